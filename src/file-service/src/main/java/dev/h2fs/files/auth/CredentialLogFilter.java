package dev.h2fs.files.auth;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

import io.quarkus.logging.LoggingFilter;

/**
 * Keeps bearer tokens out of log lines, whatever level an operator turns on: the token verifier's own debug records
 * (SmallRye JWT, jose4j) carry the rejected token, or its claims, in their exception messages, so from those loggers
 * an exception is logged by its types and stack only; elsewhere, anything shaped like a JWT ({@code eyJ...}, the
 * encoding of <code>{"</code>) in a message, its parameters or an exception message is replaced by
 * {@code <token withheld>}. Installed on the console and file handlers by {@code application.properties}
 * ({@code quarkus.log.*.filter=h2fs-credentials}).
 * <p>
 * Thread-safe: stateless; called by the logging system on the logging thread.
 */
@LoggingFilter(name = "h2fs-credentials")
public final class CredentialLogFilter implements Filter {

    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]*){1,2}");
    private static final String WITHHELD = "<token withheld>";
    private static final String[] VERIFIERS = { "io.smallrye.jwt", "io.quarkus.smallrye.jwt", "org.jose4j" };

    @Override
    public boolean isLoggable(LogRecord record) {
        Throwable thrown = record.getThrown();
        if (thrown != null && (fromVerifier(record.getLoggerName()) || mentionsToken(thrown))) {
            record.setThrown(new DetailWithheld(thrown));
        }
        String message = record.getMessage();
        if (message != null && message.contains("eyJ")) {
            record.setMessage(JWT.matcher(message).replaceAll(WITHHELD));
        }
        Object[] parameters = record.getParameters();
        if (parameters != null) {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] != null && String.valueOf(parameters[i]).contains("eyJ")) {
                    parameters[i] = JWT.matcher(String.valueOf(parameters[i])).replaceAll(WITHHELD);
                }
            }
        }
        return true;
    }

    private static boolean fromVerifier(String logger) {
        if (logger == null) {
            return false;
        }
        for (String verifier : VERIFIERS) {
            if (logger.startsWith(verifier)) {
                return true;
            }
        }
        return false;
    }

    private static boolean mentionsToken(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("eyJ")) {
                return true;
            }
        }
        return false;
    }

    /** An exception chain told by its types, with the outermost stack: the messages may hold a token. */
    static final class DetailWithheld extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DetailWithheld(Throwable original) {
            super(types(original) + " (messages withheld: they may contain a bearer token)", null, false, true);
            setStackTrace(original.getStackTrace());
        }

        private static String types(Throwable original) {
            StringBuilder types = new StringBuilder();
            for (Throwable t = original; t != null; t = t.getCause() == t ? null : t.getCause()) {
                types.append(types.length() == 0 ? "" : " <- ").append(t.getClass().getName());
            }
            return types.toString();
        }
    }
}
