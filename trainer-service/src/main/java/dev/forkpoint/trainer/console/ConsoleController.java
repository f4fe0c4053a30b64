package dev.forkpoint.trainer.console;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The web console's pages (static files in the jar, classpath:/static): {@code /} lists and launches runs
 * (index.html, served by Spring's welcome page), {@code /runs/{id}} shows one run, {@code /compare?runs=...} overlays
 * several. The pages read and write through the REST API only.
 */
@Controller
public class ConsoleController {

    @GetMapping("/runs/{id:[0-9]+}")
    String run() {
        return "forward:/run.html";
    }

    @GetMapping("/compare")
    String compare() {
        return "forward:/compare.html";
    }
}
