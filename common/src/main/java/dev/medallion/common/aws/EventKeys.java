package dev.medallion.common.aws;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import static java.util.Objects.requireNonNull;

/**
 * The object key an S3 event notification carries, URL-encoded as S3 encodes it: a space as {@code +},
 * other bytes of the key's UTF-8 as {@code %XX}. Unlike {@link java.net.URLDecoder}, which turns bytes
 * that are not UTF-8 into U+FFFD, a key that does not decode exactly is refused: decoded so, it would name
 * another object (a HEAD answered "not found", the record passed over as missing, without a word).
 */
public final class EventKeys {
    private EventKeys() {}

    /** @throws IllegalArgumentException naming the key, when it is not URL-encoded UTF-8 */
    public static String decode(String encoded) {
        requireNonNull(encoded, "encoded is null");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            }
            else if (c == '%') {
                int high = i + 1 < encoded.length() ? hexDigit(encoded.charAt(i + 1)) : -1;
                int low = i + 2 < encoded.length() ? hexDigit(encoded.charAt(i + 2)) : -1;
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("The event's object key " + encoded + " is not URL-encoded as S3 encodes keys:"
                            + " '%' at character " + (i + 1) + " is not followed by two hex digits");
                }
                bytes.write(high << 4 | low);
                i += 2;
            }
            else {
                byte[] literal = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isSurrogate(c)) {
                    // A pair: encode both halves together.
                    if (Character.isHighSurrogate(c) && i + 1 < encoded.length() && Character.isLowSurrogate(encoded.charAt(i + 1))) {
                        literal = encoded.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                        i++;
                    }
                    else {
                        throw new IllegalArgumentException("The event's object key " + encoded + " holds half of a surrogate pair at character " + (i + 1));
                    }
                }
                bytes.writeBytes(literal);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        }
        catch (CharacterCodingException e) {
            throw new IllegalArgumentException("The event's object key " + encoded + " does not decode to UTF-8 (S3 keys are UTF-8): "
                    + e.getMessage(), e);
        }
    }

    /** An ASCII hex digit's value, else -1 (Character.digit would take a full-width ４ too). */
    private static int hexDigit(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
