package dev.medallion.gold.testing;

import io.trino.sql.tree.DefaultTraversalVisitor;
import io.trino.sql.tree.QualifiedName;
import io.trino.sql.tree.Query;
import io.trino.sql.tree.Table;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The tables a query parsed by Trino's parser reads, for the tests that check which tables the gold builder's
 * statements read (a staged batch the staging table alone, a direct one silver): read from the parsed tree
 * rather than the SQL text, so that a name in a string or a comment is not taken for a table read.
 */
public final class TablesRead {
    private TablesRead() {
    }

    /** The tables {@code query} reads, in the order it names them, a table named twice listed twice. */
    public static List<QualifiedName> tablesRead(Query query) {
        requireNonNull(query, "query is null");
        List<QualifiedName> tables = new ArrayList<>();
        new DefaultTraversalVisitor<Void>() {
            @Override
            protected Void visitTable(Table node, Void context) {
                tables.add(node.getName());
                return null;
            }
        }.process(query, null);
        return tables;
    }
}
