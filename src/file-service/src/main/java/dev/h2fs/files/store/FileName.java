package dev.h2fs.files.store;

import java.util.Optional;

/**
 * A validated store file name: one path segment of {@code [A-Za-z0-9._-]}, 1 to 255 characters,
 * neither {@code .} nor {@code ..}. Anything else (slashes, backslashes, NUL, percent signs,
 * non-ASCII) is rejected, so a valid name can never leave the store directory and never collides
 * with the upload temp files, whose names contain {@code ~}.
 *
 * <p>Thread-safe: immutable.
 */
public record FileName(String value) {

    /** Linux NAME_MAX; longer names could not be created anyway. */
    public static final int MAX_LENGTH = 255;

    public FileName {
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** The name, or empty if {@code raw} is not a valid store file name. */
    public static Optional<FileName> parse(String raw) {
        return problem(raw) == null ? Optional.of(new FileName(raw)) : Optional.empty();
    }

    /** Why {@code raw} is not a valid name, or {@code null} if it is one. */
    public static String problem(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "file name is empty";
        }
        if (raw.length() > MAX_LENGTH) {
            return "file name is longer than " + MAX_LENGTH + " characters";
        }
        if (raw.equals(".") || raw.equals("..")) {
            return "file name must not be '.' or '..'";
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return "file name may only contain A-Z, a-z, 0-9, '.', '_' and '-'";
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return value;
    }
}
