package dev.forkpoint.trainer.api;

import java.util.List;

/** One page of {@code GET /api/v1/runs}: newest first. */
public record RunPage(List<RunView> items, int page, int size, long total) {
}
