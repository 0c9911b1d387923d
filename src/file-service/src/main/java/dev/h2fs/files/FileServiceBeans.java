package dev.h2fs.files;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.quarkus.runtime.Startup;

import dev.h2fs.files.cache.CacheLimits;
import dev.h2fs.files.cache.FileCache;
import dev.h2fs.files.config.FilesConfig;
import dev.h2fs.files.store.FileStore;
import dev.h2fs.files.upload.UploadLimits;
import dev.h2fs.files.upload.UploadService;
import dev.h2fs.files.upload.WriterThreads;

/**
 * Wires the plain (CDI-free, unit-testable) store, cache and upload classes into beans.
 *
 * <p>Threads: the producers run once, on the thread that creates the beans (start-up); the products are
 * thread-safe.
 */
public class FileServiceBeans {

    private static final Logger LOG = Logger.getLogger(FileServiceBeans.class);

    @Produces
    @Singleton
    FileCache fileCache(FilesConfig config, MeterRegistry registry) {
        FileCache cache = new FileCache(CacheLimits.from(config.cache()), registry);
        cache.start();
        return cache;
    }

    void closeCache(@Disposes FileCache cache) {
        cache.close();
    }

    /** Eager, so that a bad store directory fails start-up rather than the first request. */
    @Produces
    @Singleton
    @Startup
    FileStore fileStore(FilesConfig config, FileCache cache) {
        FileStore store = new FileStore(config.dir(), name -> cache.invalidate(name.value()));
        int removed = store.removeStaleTempFiles(config.staleUploadAge());
        LOG.infof("file store at %s%s", store.root(),
                removed > 0 ? " (removed " + removed + " stale upload temp files)" : "");
        return store;
    }

    /**
     * Histogram buckets for {@code http.server.requests}, so that dashboards can show p50/p90/p99 latency
     * (Quarkus has no configuration key for it). Costs one bucket increment per request. The range is 100 us..30 s
     * (85 buckets per URI, method and status): Micrometer's default starts at 1 ms, where a cache hit would fall
     * into the first bucket with everything else fast.
     */
    @Produces
    @Singleton
    MeterFilter httpServerLatencyHistogram() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                return id.getName().equals("http.server.requests")
                        ? DistributionStatisticConfig.builder().percentilesHistogram(true)
                                .minimumExpectedValue((double) Duration.ofNanos(100_000).toNanos())
                                .maximumExpectedValue((double) Duration.ofSeconds(30).toNanos()).build().merge(config)
                        : config;
            }
        };
    }

    @Produces
    @Singleton
    WriterThreads uploadWriterThreads() {
        return new WriterThreads();
    }

    void closeUploadWriterThreads(@Disposes WriterThreads threads) {
        threads.close();
    }

    @Produces
    @ApplicationScoped
    UploadService uploadService(FilesConfig config, FileStore store, WriterThreads writers, MeterRegistry registry) {
        return new UploadService(store, config.maxUploadSize().asLongValue(),
                UploadLimits.of(config.upload().writeBuffer().asLongValue()), writers, registry);
    }
}
