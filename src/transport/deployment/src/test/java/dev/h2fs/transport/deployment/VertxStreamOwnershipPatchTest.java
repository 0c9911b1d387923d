package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The Vert.x patch applies to the Vert.x on the class path (it fails first when an upgrade moves the method it
 * patches), and only to that method.
 */
class VertxStreamOwnershipPatchTest {

    @Test
    void onConnectionErrorDropsStreamsVertxDoesNotOwnBeforeTellingThem() throws IOException {
        byte[] patched = patch(vertxClass());
        List<String> calls = calls(patched, VertxStreamOwnershipPatch.METHOD);
        int removeAll = calls.indexOf("java/util/ArrayList.removeAll");
        int iterator = calls.indexOf("java/util/ArrayList.iterator");
        assertTrue(removeAll >= 0 && removeAll < iterator, "nulls removed before the streams are told: " + calls);
        assertTrue(calls(vertxClass(), VertxStreamOwnershipPatch.METHOD).indexOf("java/util/ArrayList.removeAll") < 0,
                "the original had no such call");
    }

    @Test
    void aClassWithoutTheMethodFailsTheBuildWithAReason() throws IOException {
        byte[] other;
        try (InputStream in = getClass().getResourceAsStream("/java/lang/Object.class")) {
            other = in == null
                    ? ClassLoader.getSystemResourceAsStream("java/lang/Object.class").readAllBytes()
                    : in.readAllBytes();
        }
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> patch(other));
        assertTrue(failure.getMessage().contains("Vert.x version changed"), failure.getMessage());
    }

    private static byte[] vertxClass() throws IOException {
        String resource = VertxStreamOwnershipPatch.CLASS.replace('.', '/') + ".class";
        try (InputStream in = VertxStreamOwnershipPatchTest.class.getClassLoader().getResourceAsStream(resource)) {
            return in.readAllBytes();
        }
    }

    private static byte[] patch(byte[] original) {
        ClassReader reader = new ClassReader(original);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new VertxStreamOwnershipPatch(writer), 0);
        return writer.toByteArray();
    }

    private static List<String> calls(byte[] bytes, String method) {
        List<String> calls = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                if (!name.equals(method)) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String called, String calledDescriptor,
                            boolean isInterface) {
                        calls.add(owner + "." + called);
                    }
                };
            }
        }, 0);
        return calls;
    }
}
