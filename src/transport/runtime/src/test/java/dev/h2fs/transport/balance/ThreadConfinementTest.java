package dev.h2fs.transport.balance;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ThreadConfinementTest {

    @Test
    void firstCallerOwnsOthersFail() throws Exception {
        ThreadConfinement confinement = new ThreadConfinement();
        assertTrue(confinement.check());
        assertTrue(confinement.check());
        CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(confinement::check);
        ExecutionException failure = assertThrows(ExecutionException.class, () -> other.get(5, TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof AssertionError);
    }

    @Test
    void balancerRefusesASecondProducerThread() throws Exception {
        LoadBalancer<String> balancer = new LoadBalancer<String>(List.of(item -> true), new IndirectTable(1, 1));
        balancer.dispatch("a", 0);
        CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> balancer.dispatch("b", 0));
        ExecutionException failure = assertThrows(ExecutionException.class, () -> other.get(5, TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof AssertionError, "runs with -ea");
    }
}
