package dev.caravan.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Whether data written with one schema can be read with another, by Avro's own {@link SchemaCompatibility}, with each
 * incompatibility told as a sentence naming the field at fault. Avro reports a JSON-pointer-like location into the
 * reader schema and, for a record inside a union (every optional nested record), only "union lacking writer type:
 * RECORD"; this class turns the location into a field path and looks inside the union for the actual reason.
 */
public final class ReaderWriterCheck {

    private ReaderWriterCheck() {
    }

    /** The problems a reader has with data of a writer: empty when it can read all of it. */
    public static List<FieldProblem> check(Schema reader, Schema writer) {
        return check(reader, writer, "");
    }

    private static List<FieldProblem> check(Schema reader, Schema writer, String prefix) {
        List<FieldProblem> out = new ArrayList<>();
        SchemaCompatibility.SchemaCompatibilityResult result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        for (Incompatibility i : result.getIncompatibilities()) {
            out.addAll(describe(i, reader, prefix));
        }
        return out;
    }

    private static List<FieldProblem> describe(Incompatibility i, Schema reader, String prefix) {
        String path = join(prefix, path(reader, i.getLocation()));
        Schema r = i.getReaderFragment();
        Schema w = i.getWriterFragment();
        return switch (i.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE -> List.of(new FieldProblem(path,
                    "reader field '" + path + "' has no default and the writer does not have it"));
            case TYPE_MISMATCH -> List.of(new FieldProblem(path,
                    at(path) + "the reader's " + type(r) + " cannot read the writer's " + type(w)));
            case NAME_MISMATCH -> List.of(new FieldProblem(path,
                    at(path) + "the reader's name " + r.getFullName() + " does not match the writer's "
                            + w.getFullName() + " (and is not among the reader's aliases)"));
            case FIXED_SIZE_MISMATCH -> List.of(new FieldProblem(path,
                    at(path) + "the reader's fixed " + r.getFullName() + " has " + r.getFixedSize()
                            + " bytes, the writer's " + w.getFixedSize()));
            case MISSING_ENUM_SYMBOLS -> List.of(new FieldProblem(path,
                    at(path) + "the reader's enum " + r.getFullName() + " lacks the writer's symbols " + i.getMessage()
                            + " and has no default symbol"));
            case MISSING_UNION_BRANCH -> unionBranch(i, path);
        };
    }

    /**
     * Looks inside a union for why the writer's branch fits no reader branch: the reader's branch of the same kind (a
     * record of the same name, an array, a map) is checked on its own, which names the field inside it.
     */
    private static List<FieldProblem> unionBranch(Incompatibility i, String path) {
        Schema r = i.getReaderFragment();
        Schema w = i.getWriterFragment();
        Schema writerBranch = w;
        if (w.getType() == Schema.Type.UNION) {
            int index = lastIndex(i.getLocation());
            writerBranch = index >= 0 && index < w.getTypes().size() ? w.getTypes().get(index) : null;
        }
        if (writerBranch != null && r.getType() == Schema.Type.UNION) {
            for (Schema readerBranch : r.getTypes()) {
                if (sameKind(readerBranch, writerBranch)) {
                    List<FieldProblem> inner = check(readerBranch, writerBranch, path);
                    if (!inner.isEmpty()) {
                        return inner;
                    }
                }
            }
        }
        String writerType = writerBranch == null ? "branch" : type(writerBranch);
        return List.of(new FieldProblem(path, at(path) + "the reader's union " + type(r) + " has no branch for the writer's "
                + writerType));
    }

    /** Walks Avro's location (/fields/3/type/items/fields/1) through the reader schema into a field path. */
    static String path(Schema reader, String location) {
        if (location == null || location.isEmpty() || location.equals("/")) {
            return "";
        }
        String[] tokens = location.substring(1).split("/");
        StringBuilder path = new StringBuilder();
        Schema at = reader;
        for (int t = 0; t < tokens.length && at != null; t++) {
            String token = tokens[t];
            if (token.equals("fields") && t + 1 < tokens.length && at.getType() == Schema.Type.RECORD) {
                int index = Integer.parseInt(tokens[++t]);
                if (index >= at.getFields().size()) {
                    break;
                }
                Schema.Field field = at.getFields().get(index);
                path.append(path.length() == 0 ? "" : ".").append(field.name());
                at = t + 1 < tokens.length && tokens[t + 1].equals("type") ? field.schema() : null;
                t++;
            } else if (token.equals("items") && at.getType() == Schema.Type.ARRAY) {
                path.append("[]");
                at = at.getElementType();
            } else if (token.equals("values") && at.getType() == Schema.Type.MAP) {
                path.append("{}");
                at = at.getValueType();
            } else if (!isIndex(token)) {
                // name, symbols, size: the rest is about the type itself, not a deeper field
                break;
            }
            // a number is the index of the writer's union branch being checked: the reader stays where it is
        }
        return path.toString();
    }

    private static int lastIndex(String location) {
        String last = location.substring(location.lastIndexOf('/') + 1);
        return isIndex(last) ? Integer.parseInt(last) : -1;
    }

    private static boolean isIndex(String token) {
        return !token.isEmpty() && token.chars().allMatch(Character::isDigit);
    }

    private static boolean sameKind(Schema reader, Schema writer) {
        if (reader.getType() != writer.getType()) {
            return false;
        }
        return switch (reader.getType()) {
            case RECORD, ENUM, FIXED -> reader.getName().equals(writer.getName()) || reader.getFullName().equals(writer.getFullName())
                    || reader.getAliases().contains(writer.getFullName());
            case ARRAY, MAP -> true;
            default -> false;
        };
    }

    private static String join(String prefix, String path) {
        if (prefix.isEmpty()) {
            return path;
        }
        return path.isEmpty() || path.startsWith("[") || path.startsWith("{") ? prefix + path : prefix + "." + path;
    }

    private static String at(String path) {
        return path.isEmpty() ? "the record: " : "field '" + path + "': ";
    }

    /** A short type name for messages: long, record dev.caravan.streams.Pin, [null, string]. */
    static String type(Schema s) {
        return switch (s.getType()) {
            case RECORD, ENUM, FIXED -> s.getType().getName() + " " + s.getFullName();
            case ARRAY -> "array of " + type(s.getElementType());
            case MAP -> "map of " + type(s.getValueType());
            case UNION -> s.getTypes().stream().map(ReaderWriterCheck::type).collect(Collectors.joining(", ", "[", "]"));
            default -> s.getType().getName();
        };
    }
}
