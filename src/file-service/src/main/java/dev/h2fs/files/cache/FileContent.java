package dev.h2fs.files.cache;

/**
 * A file ready to be served: either mapped and cached ({@link MappedFile}) or too large to map and
 * held open for streaming ({@link StreamedFile}).
 *
 * <p>Threads: see the implementations (both may be handed from the loading worker to an I/O thread).
 */
public sealed interface FileContent permits MappedFile, StreamedFile {

    FileMeta meta();
}
