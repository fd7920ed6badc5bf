package dev.enclave.inference.internal.hub;

import java.nio.file.Path;

/**
 * What a completed pull left behind: every file verified and listed in {@code SHA256SUMS}.
 * @param commit the commit the files were taken from, whatever branch or tag was asked for
 * @param files how many files the manifest lists
 * @param bytes their total size
 * @param downloadedBytes what this pull transferred; zero when everything was already there
 * @param manifestDigest the SHA-256 of {@code SHA256SUMS}, the value {@code sha256sums-digest} pins
 */
public record PullResult(String commit, Path dir, int files, long bytes, long downloadedBytes, String manifestDigest) {
}
