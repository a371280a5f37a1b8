package dev.caravan.sink.lake;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.github.luben.zstd.Zstd;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;
import org.xerial.snappy.Snappy;

/**
 * The clean zone as Parquet files: one row group per file set, typed columns from the schema derived from the rows
 * (numbers, booleans, text, timestamps in UTC milliseconds, nested records as groups, arrays as standard three-level
 * lists), compressed with ZSTD or Snappy. Written and read through parquet-avro on Caravan's own in-memory files and
 * codecs (zstd-jni, snappy-java), so no Hadoop class is ever loaded and Hadoop's client stays out of the jar.
 */
final class ParquetFiles {

    static final String FORMAT = "parquet";

    private ParquetFiles() {
    }

    /** The codec a setting names: zstd (default), snappy or none. */
    static CompressionCodecName codec(String name) {
        return switch (name == null ? "zstd" : name.trim().toLowerCase(Locale.ROOT)) {
            case "zstd", "" -> CompressionCodecName.ZSTD;
            case "snappy" -> CompressionCodecName.SNAPPY;
            case "none", "uncompressed" -> CompressionCodecName.UNCOMPRESSED;
            default -> throw new IllegalArgumentException("caravan.lake.parquet-codec must be zstd, snappy or none, "
                    + "got '" + name + "'");
        };
    }

    /** The clean zone in Parquet: rows kept until the file set is written, then typed under their derived schema. */
    static CleanRowsFile clean(String key, String topic, long firstOffset, CompressionCodecName codec) {
        return new CleanRowsFile(key, topic, firstOffset, FORMAT, typed -> write(typed.schema(), typed.records(), codec));
    }

    /** One Parquet file of these records. */
    static byte[] write(Schema schema, List<GenericRecord> records, CompressionCodecName codec) {
        MemoryOutputFile out = new MemoryOutputFile();
        try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(out)
                .withSchema(schema)
                .withDataModel(GenericData.get())
                .withConf(configuration())
                .withCodecFactory(Codecs.INSTANCE)
                .withCompressionCodec(codec)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build()) {
            for (GenericRecord r : records) {
                writer.write(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.bytes();
    }

    /**
     * Every record of a Parquet file, and the Avro schema it was written with. Read row group by row group with the
     * file reader and Avro's materializer: parquet's ready-made reader builder loads Hadoop classes.
     */
    static AvroFiles.Read read(byte[] file) {
        PlainParquetConfiguration conf = configuration();
        List<GenericRecord> out = new ArrayList<>();
        try (ParquetFileReader reader = open(file)) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            Map<String, String> meta = reader.getFooter().getFileMetaData().getKeyValueMetaData();
            AvroReadSupport<GenericRecord> support = new AvroReadSupport<>(GenericData.get());
            Map<String, java.util.Set<String>> metaSets = new java.util.HashMap<>();
            meta.forEach((k, v) -> metaSets.put(k, java.util.Set.of(v)));
            ReadSupport.ReadContext context = support.init(new InitContext(conf, metaSets, schema));
            RecordMaterializer<GenericRecord> materializer = support.prepareForRead(conf, meta, schema, context);
            MessageColumnIO io = new ColumnIOFactory().getColumnIO(context.getRequestedSchema(), schema);
            for (PageReadStore rows = reader.readNextRowGroup(); rows != null; rows = reader.readNextRowGroup()) {
                RecordReader<GenericRecord> records = io.getRecordReader(rows, materializer);
                for (long i = 0; i < rows.getRowCount(); i++) {
                    out.add(records.read());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new AvroFiles.Read(out.isEmpty() ? null : out.get(0).getSchema(), out);
    }

    private static ParquetFileReader open(byte[] file) throws IOException {
        return ParquetFileReader.open(new MemoryInputFile(file), READ_OPTIONS);
    }

    /**
     * Read options with Caravan's codecs. parquet's options builder makes Hadoop's codec factory before it can be
     * told another one (loading Hadoop's zlib classes), so the options are made with their own constructor, with the
     * builder's defaults; {@code ParquetFilesTest} reads files in a class loader without Hadoop to keep this honest.
     */
    private static final ParquetReadOptions READ_OPTIONS = readOptions();

    private static ParquetReadOptions readOptions() {
        try {
            var constructor = ParquetReadOptions.class.getDeclaredConstructor(boolean.class, boolean.class,
                    boolean.class, boolean.class, boolean.class, boolean.class, boolean.class, boolean.class,
                    boolean.class, org.apache.parquet.filter2.compat.FilterCompat.Filter.class,
                    org.apache.parquet.format.converter.ParquetMetadataConverter.MetadataFilter.class,
                    CompressionCodecFactory.class, org.apache.parquet.bytes.ByteBufferAllocator.class, int.class,
                    Map.class, org.apache.parquet.crypto.FileDecryptionProperties.class,
                    org.apache.parquet.hadoop.ParquetMetricsCallback.class,
                    org.apache.parquet.conf.ParquetConfiguration.class);
            constructor.setAccessible(true);
            // signed min/max, stats, dictionary, record and column-index filters, checksums, bloom filters,
            // off-heap decryption, vectored I/O: the builder's defaults
            return constructor.newInstance(false, true, true, true, true, false, true, false, false,
                    org.apache.parquet.filter2.compat.FilterCompat.NOOP,
                    org.apache.parquet.format.converter.ParquetMetadataConverter.NO_FILTER, Codecs.INSTANCE,
                    new org.apache.parquet.bytes.HeapByteBufferAllocator(), 8 * 1024 * 1024, Map.of(), null, null,
                    configuration());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this parquet version's read options cannot be made without Hadoop", e);
        }
    }

    /** The codec a file's first column chunk was written with (compaction keeps it). */
    static CompressionCodecName codecOf(byte[] file) {
        try (ParquetFileReader reader = open(file)) {
            var blocks = reader.getFooter().getBlocks();
            return blocks.isEmpty() || blocks.get(0).getColumns().isEmpty() ? CompressionCodecName.ZSTD
                    : blocks.get(0).getColumns().get(0).getCodec();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PlainParquetConfiguration configuration() {
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        // standard three-level lists (what Spark, Trino and DuckDB write), which also hold null items
        conf.set("parquet.avro.write-old-list-structure", "false");
        // the Avro schema travels in the file's metadata, so readers get the field names back as written
        conf.set("parquet.avro.add-list-element-records", "false");
        return conf;
    }

    /** The codecs Caravan ships without Hadoop: ZSTD (zstd-jni), Snappy (snappy-java), none. */
    private static final class Codecs implements CompressionCodecFactory {
        static final Codecs INSTANCE = new Codecs();

        @Override
        public BytesInputCompressor getCompressor(CompressionCodecName name) {
            return new BytesInputCompressor() {
                @Override
                public BytesInput compress(BytesInput bytes) throws IOException {
                    byte[] in = bytes.toByteArray();
                    return BytesInput.from(switch (name) {
                        case ZSTD -> Zstd.compress(in, 3);
                        case SNAPPY -> Snappy.compress(in);
                        case UNCOMPRESSED -> in;
                        default -> throw new IOException("codec " + name + " is not shipped");
                    });
                }

                @Override
                public CompressionCodecName getCodecName() {
                    return name;
                }

                @Override
                public void release() {
                }
            };
        }

        @Override
        public BytesInputDecompressor getDecompressor(CompressionCodecName name) {
            return new BytesInputDecompressor() {
                @Override
                public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
                    return BytesInput.from(decompressed(bytes.toByteArray(), uncompressedSize));
                }

                @Override
                public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                        throws IOException {
                    byte[] in = new byte[compressedSize];
                    input.get(in);
                    output.put(decompressed(in, uncompressedSize));
                }

                private byte[] decompressed(byte[] in, int size) throws IOException {
                    return switch (name) {
                        case ZSTD -> Zstd.decompress(in, size);
                        case SNAPPY -> Snappy.uncompress(in);
                        case UNCOMPRESSED -> in;
                        default -> throw new IOException("codec " + name + " is not shipped");
                    };
                }

                @Override
                public void release() {
                }
            };
        }

        @Override
        public void release() {
        }
    }

    /** A Parquet file being written into memory (a file set is put to S3 whole). */
    private static final class MemoryOutputFile implements OutputFile {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        byte[] bytes() {
            return out.toByteArray();
        }

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return createOrOverwrite(blockSizeHint);
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            out.reset();
            return new PositionOutputStream() {
                @Override
                public long getPos() {
                    return out.size();
                }

                @Override
                public void write(int b) {
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    out.write(b, off, len);
                }
            };
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }

        @Override
        public String getPath() {
            return "memory";
        }
    }

    /** A Parquet file read from memory (compaction, the analytics' batch read). */
    private static final class MemoryInputFile implements InputFile {
        private final byte[] data;

        MemoryInputFile(byte[] data) {
            this.data = data;
        }

        @Override
        public long getLength() {
            return data.length;
        }

        @Override
        public SeekableInputStream newStream() {
            return new SeekableInputStream() {
                private int pos;

                @Override
                public long getPos() {
                    return pos;
                }

                @Override
                public void seek(long newPos) {
                    pos = (int) newPos;
                }

                @Override
                public int read() {
                    return pos < data.length ? data[pos++] & 0xff : -1;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (pos >= data.length) {
                        return -1;
                    }
                    int n = Math.min(len, data.length - pos);
                    System.arraycopy(data, pos, b, off, n);
                    pos += n;
                    return n;
                }

                @Override
                public void readFully(byte[] bytes) throws IOException {
                    readFully(bytes, 0, bytes.length);
                }

                @Override
                public void readFully(byte[] bytes, int start, int len) throws IOException {
                    if (data.length - pos < len) {
                        throw new EOFException("reached the end of the Parquet file");
                    }
                    System.arraycopy(data, pos, bytes, start, len);
                    pos += len;
                }

                @Override
                public int read(ByteBuffer buf) {
                    if (pos >= data.length) {
                        return -1;
                    }
                    int n = Math.min(buf.remaining(), data.length - pos);
                    buf.put(data, pos, n);
                    pos += n;
                    return n;
                }

                @Override
                public void readFully(ByteBuffer buf) throws IOException {
                    if (data.length - pos < buf.remaining()) {
                        throw new EOFException("reached the end of the Parquet file");
                    }
                    int n = buf.remaining();
                    buf.put(data, pos, n);
                    pos += n;
                }
            };
        }
    }
}
