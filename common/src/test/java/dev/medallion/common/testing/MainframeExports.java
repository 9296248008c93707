package dev.medallion.common.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;

import static java.util.Objects.requireNonNull;

/** Mainframe (EBCDIC) exports as a COBOL program writes them, binary fields among their text, for the tests of every module that reads them. */
public final class MainframeExports {
    private MainframeExports() {}

    /**
     * A mainframe export of {@code rows} rows whose balance and amount are packed decimal (COMP-3, 4 and 6 bytes: two digits a byte,
     * the last nibble the sign), and whose branch is low values (0x00 bytes) where it is unset, as a COBOL record written out
     * field by field holds them.
     */
    public static byte[] withBinaryFields(Charset codePage, int rows) {
        requireNonNull(codePage, "codePage is null");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("ACCOUNT,HOLDER,BRANCH,BALANCE,AMOUNT\n".getBytes(codePage));
        for (int row = 0; row < rows; row++) {
            bytes.writeBytes(String.format("%010d,MUELLER KARL %03d,", 1234567 + row, row).getBytes(codePage));
            bytes.writeBytes(row % 3 == 0 ? new byte[4] : "Z\u00fcrich".substring(0, 4).getBytes(codePage));
            bytes.writeBytes(",".getBytes(codePage));
            bytes.writeBytes(packed(152075L * (row % 2 == 0 ? 1 : -1) + row, 4));
            bytes.writeBytes(",".getBytes(codePage));
            bytes.writeBytes(packed(1234L * row, 6));
            bytes.writeBytes("\n".getBytes(codePage));
        }
        return bytes.toByteArray();
    }

    /** {@code value} in packed decimal of {@code length} bytes: its digits two to a byte, then the sign nibble, C positive, D negative. */
    public static byte[] packed(long value, int length) {
        String digits = String.format("%0" + (length * 2 - 1) + "d", Math.abs(value));
        byte[] packed = new byte[length];
        for (int i = 0; i < length; i++) {
            int high = digits.charAt(2 * i) - '0';
            int low = i == length - 1 ? (value < 0 ? 0xD : 0xC) : digits.charAt(2 * i + 1) - '0';
            packed[i] = (byte) (high << 4 | low);
        }
        return packed;
    }

    /**
     * The NUL bytes among the first 8 KiB of {@code bytes}, the sample the converter and bronze-ingest look at, as their
     * refusals count them.
     */
    public static int nulsInSample(byte[] bytes) {
        requireNonNull(bytes, "bytes is null");
        int nuls = 0;
        for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
            nuls += bytes[i] == 0 ? 1 : 0;
        }
        return nuls;
    }
}
