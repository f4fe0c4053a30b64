/**
 * Reasoning tasks with verifiable answers.
 *
 * <p>A {@link dev.forkpoint.rollout.task.Task} gives indexed access to a train split and a disjoint
 * evaluation split, both fixed by the config's seed, a verifier returning a
 * {@link dev.forkpoint.rollout.task.Verdict} (score in [0,1], correct, short reason) and a worked solution
 * for supervised warm start. {@link dev.forkpoint.rollout.task.Tasks} parses the run config's {@code task}
 * section (unknown keys and bad values fail naming the field) and creates the task by name:
 *
 * <table>
 *   <caption>Built-in tasks</caption>
 *   <tr><th>name</th><th>prompt</th><th>worked solution</th><th>verifier</th></tr>
 *   <tr><td>countdown</td><td>{@code 3 5 2=16:}</td><td>{@code (3+5)*2}</td>
 *       <td>recursive-descent parser, exact rationals, each given number at most once</td></tr>
 *   <tr><td>arithmetic</td><td>{@code 347+85:\n}</td><td>column steps, then {@code Answer: 432}</td>
 *       <td>math answer (last \boxed{}, else Answer: line, else last number), exact</td></tr>
 *   <tr><td>jsonl</td><td>the record's prompt</td><td>{@code Answer: <answer>}</td>
 *       <td>math answer against the record's answer</td></tr>
 * </table>
 *
 * <p>Built-in prompts and solutions use only '\n' and printable ASCII, the built-in char vocabulary; the
 * eos token is the sampler's business, never part of these texts.
 */
package dev.forkpoint.rollout.task;
