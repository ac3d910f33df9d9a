package dev.runpilot.docker;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that needs a real Docker engine. Without one, its tests are skipped, unless {@code CI=true}:
 * then they fail, so that CI never passes by skipping them. Test methods may take a {@link TestDocker} parameter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(DockerEngineExtension.class)
public @interface RequiresDocker {
}
