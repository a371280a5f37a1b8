package dev.caravan.metrics;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.caravan.flow.Flow;
import dev.caravan.flow.Flows;
import dev.caravan.sink.lake.LakeMirror;

/**
 * The batch side's engine: SQL run by an in-process DuckDB over the lake's clean zone (copied locally by
 * {@link LakeMirror}, so no DuckDB extension is ever downloaded: JSON and Parquet are built into its JDBC driver).
 * Each query sees one view per flow with a clean zone, named for the flow (the newest record per business key, as the
 * MongoDB sink keeps it), and one per joined collection (posts: the newest part per join key, each part a struct
 * named as the flow's join declares), so the same question reads alike on both sides.
 *
 * @param memoryMb the most native memory a query session accounts for (DuckDB's memory_limit; 0: DuckDB's default)...
 * @param spill    ...past which it spills to files here
 */
public record LakeSql(Flows flows, LakeMirror mirror, int memoryMb, java.nio.file.Path spill) {

    private static final java.util.regex.Pattern MISSING_TABLE =
            java.util.regex.Pattern.compile("Table with name ([\\w-]+) does not exist");

    /** Runs each query against one fresh copy of the lake; a failing query answers its error, the others run. */
    public List<Result> query(List<String> sqls) {
        List<Result> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET autoinstall_known_extensions = false");
            s.execute("SET TimeZone = 'UTC'");
            if (memoryMb > 0) {
                s.execute("SET memory_limit = '" + memoryMb + "MB'");
            }
            s.execute("SET temp_directory = '" + quoted(spill.toAbsolutePath()) + "'");
            // a metric's SQL reads the lake's copy and nothing else of this machine (and cannot turn that back on)
            java.nio.file.Files.createDirectories(mirror.root());
            s.execute("SET allowed_directories = ['" + quoted(mirror.root().toAbsolutePath()) + "/']");
            s.execute("SET enable_external_access = false");
            List<String> missing = views(s);
            for (String sql : sqls) {
                // a statement of its own per query: DuckDB closes one whose query failed, and the next would fail too
                try (Statement q = c.createStatement(); ResultSet r = q.executeQuery(sql)) {
                    out.add(new Result(rows(r), null));
                } catch (SQLException e) {
                    String why = e.getMessage().replaceAll("\\s+", " ");
                    java.util.regex.Matcher table = MISSING_TABLE.matcher(why);
                    if (table.find() && missing.contains(table.group(1))) {
                        // a flow with no lake file yet (a poller without its key): its question has no rows yet
                        out.add(new Result(List.of(), null));
                    } else {
                        out.add(new Result(List.of(), missing.isEmpty() ? why : why + " (no view of "
                                + String.join("; ", missing) + ")"));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB did not start: " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the lake's copy at " + mirror.root(), e);
        }
        return out;
    }

    private static String quoted(java.nio.file.Path p) {
        return p.toString().replace("'", "''");
    }

    /** A query's rows, or why it failed. */
    public record Result(List<Map<String, Object>> rows, String error) {
    }

    /** Creates the flow and join views; returns the flows that have none (no lake file yet, or Avro files), and why. */
    private List<String> views(Statement s) throws SQLException {
        List<String> missing = new ArrayList<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Flow f : flows.all()) {
            if (f.lake() == null || !f.lake().clean() || f.topic() == null) {
                continue;
            }
            String source;
            try {
                source = source(mirror.sync(f.topic()));
            } catch (IllegalStateException unreadable) {
                missing.add(f.name() + ": " + unreadable.getMessage());
                continue;
            }
            if (source == null) {
                missing.add(f.name());
                continue;
            }
            sources.put(f.name(), source);
            List<String> key = f.mongo() != null ? f.mongo().key() : List.of();
            String newer = f.mongo() != null ? f.mongo().newerField() : null;
            s.execute("CREATE VIEW " + ident(f.name()) + " AS " + newest(source, key, newer));
        }
        for (Flows.Join join : flows.joins().values()) {
            StringBuilder sql = new StringBuilder();
            String first = null;
            for (Map.Entry<String, String> part : join.parts().entrySet()) {
                String source = sources.get(part.getKey());
                if (source == null) {
                    if (missing.contains(part.getKey())) {
                        missing.add(join.collection()); // a part with no lake file yet: no joined rows yet either
                    }
                    sql.setLength(0);
                    break;
                }
                String alias = ident(part.getValue());
                String parts = "(" + newest(source, List.of(join.on()), null) + ")";
                if (first == null) {
                    first = alias;
                    sql.append(" FROM ").append(parts).append(' ').append(alias);
                } else {
                    sql.append(" JOIN ").append(parts).append(' ').append(alias).append(" ON ").append(alias)
                            .append('.').append(ident(join.on())).append(" = ").append(first).append('.')
                            .append(ident(join.on()));
                }
            }
            if (first == null || sql.isEmpty()) {
                continue;
            }
            StringBuilder select = new StringBuilder("SELECT " + first + "." + ident(join.on()) + " AS "
                    + ident(join.on()));
            for (String as : join.parts().values()) {
                select.append(", ").append(ident(as)).append(" AS ").append(ident(as));
            }
            s.execute("CREATE VIEW " + ident(join.collection()) + " AS " + select + sql);
        }
        return missing;
    }

    /**
     * Per key, the record the MongoDB sink keeps: the last in offset order (a key's records share a partition), or,
     * for a flow with a newer-than field, the first record with its greatest value (the sink's guard lets an equal
     * value through no more than a smaller one). Every record when the flow has no key.
     */
    private static String newest(String source, List<String> key, String newerField) {
        if (key.isEmpty()) {
            return "SELECT * FROM " + source;
        }
        List<String> cols = key.stream().map(LakeSql::ident).toList();
        String order = newerField == null ? "_partition DESC, _offset DESC"
                : ident(newerField) + " DESC NULLS LAST, _partition, _offset";
        return "SELECT * EXCLUDE (_newest) FROM (SELECT *, row_number() OVER (PARTITION BY " + String.join(", ", cols)
                + " ORDER BY " + order + ") AS _newest FROM " + source + ") WHERE _newest = 1";
    }

    /** The files of a mirrored topic as one table, whatever mix of NDJSON and Parquet it holds; null when none. */
    private static String source(Path dir) {
        List<String> formats = LakeMirror.formats(dir);
        List<String> reads = new ArrayList<>();
        String glob = dir.toString().replace("'", "''") + "/*/*/*";
        if (formats.contains("ndjson.gz")) {
            reads.add("SELECT * FROM read_json_auto('" + glob + ".ndjson.gz', union_by_name = true, "
                    + "hive_partitioning = false)");
        }
        if (formats.contains("parquet")) {
            reads.add("SELECT * FROM read_parquet('" + glob + ".parquet', union_by_name = true, "
                    + "hive_partitioning = false)");
        }
        if (formats.contains("avro")) {
            throw new IllegalStateException("its lake files are Avro, which DuckDB reads only with an extension it "
                    + "would download; lakeFormat ndjson.gz or parquet serves batch metrics");
        }
        return reads.isEmpty() ? null : "(" + String.join(" UNION ALL BY NAME ", reads) + ")";
    }

    private static List<Map<String, Object>> rows(ResultSet r) throws SQLException {
        ResultSetMetaData meta = r.getMetaData();
        List<Map<String, Object>> out = new ArrayList<>();
        while (r.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                row.put(meta.getColumnLabel(i), plain(r.getObject(i)));
            }
            out.add(row);
        }
        return out;
    }

    /** JDBC values as JSON has them: whole numbers as long, others as double, text, booleans, the rest as text. */
    private static Object plain(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof java.math.BigInteger b) {
            return b.longValue();
        }
        if (v instanceof java.math.BigDecimal d) {
            return d.scale() <= 0 ? (Object) d.longValue() : d.doubleValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        return v.toString();
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
