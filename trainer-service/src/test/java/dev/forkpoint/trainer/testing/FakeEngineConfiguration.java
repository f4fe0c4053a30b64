package dev.forkpoint.trainer.testing;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** The fake engine, and its {@code fake} task in the task registry (so configs naming it parse). */
@TestConfiguration(proxyBeanMethods = false)
public class FakeEngineConfiguration {

    static {
        FakeTask.register();
    }

    @Bean
    public FakeTrainingEngine fakeTrainingEngine() {
        return new FakeTrainingEngine();
    }
}
