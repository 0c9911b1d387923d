package dev.h2fs.transport.deployment;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Teaches Vert.x's HTTP/2 connection that not every active stream is its own. On a connection error,
 * {@code Http2ConnectionBase.onConnectionError} collects the Vert.x stream object of every active Netty stream and
 * tells each one; for a stream the REST fast path took there is none (null), and the loop failed with a
 * NullPointerException before Netty's handler could send GOAWAY: the connection closed without one (seen under a
 * rapid-reset flood with cache misses in flight). The patch removes the nulls from that list before the loop, one
 * straight-line instruction sequence ({@code list.removeAll(Collections.singleton(null))}), so nothing else in the
 * method changes. Our own streams learn of the connection's end from Netty's stream-closed events.
 * <p>
 * Applied at build time (Quarkus's bytecode transformation, so in JVM, dev, test and native alike). If Vert.x changes
 * the method so that the instruction the patch looks for is gone, the build fails here with a sentence saying so:
 * an upgrade breaks loudly, not silently.
 * <p>
 * Thread: a build thread; one visitor per transformation.
 */
final class VertxStreamOwnershipPatch extends ClassVisitor {

    static final String CLASS = "io.vertx.core.http.impl.Http2ConnectionBase";
    static final String METHOD = "onConnectionError";

    private boolean patched;

    VertxStreamOwnershipPatch(ClassVisitor next) {
        super(Opcodes.ASM9, next);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
            String[] exceptions) {
        MethodVisitor method = super.visitMethod(access, name, descriptor, signature, exceptions);
        if (!METHOD.equals(name) || !"(Ljava/lang/Throwable;)V".equals(descriptor)) {
            return method;
        }
        return new MethodVisitor(Opcodes.ASM9, method) {
            @Override
            public void visitMethodInsn(int opcode, String owner, String methodName, String methodDescriptor,
                    boolean isInterface) {
                if (!patched && opcode == Opcodes.INVOKEVIRTUAL && "java/util/ArrayList".equals(owner)
                        && "iterator".equals(methodName)) {
                    // stack: [streams] -> [streams], with the nulls removed
                    super.visitInsn(Opcodes.DUP);
                    super.visitInsn(Opcodes.ACONST_NULL);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/util/Collections", "singleton",
                            "(Ljava/lang/Object;)Ljava/util/Set;", false);
                    super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/util/ArrayList", "removeAll",
                            "(Ljava/util/Collection;)Z", false);
                    super.visitInsn(Opcodes.POP);
                    patched = true;
                }
                super.visitMethodInsn(opcode, owner, methodName, methodDescriptor, isInterface);
            }
        };
    }

    @Override
    public void visitEnd() {
        if (!patched) {
            throw new IllegalStateException(CLASS + "." + METHOD + " no longer iterates an ArrayList of its streams:"
                    + " the Vert.x version changed. The REST fast path needs that method to tolerate streams Vert.x"
                    + " did not create; see " + VertxStreamOwnershipPatch.class.getName());
        }
        super.visitEnd();
    }
}
