package dev.strata.core.transfer;

import java.nio.file.Path;

/**
 * What an export wrote.
 *
 * @param format the form written
 * @param target the directory or archive written
 * @param blobs blobs written
 * @param bytes bytes of blobs written
 */
public record ExportResult(ImageFormat format, Path target, int blobs, long bytes) {}
