// @vitest-environment node
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validate } from 'dockerfile-utils';

// The repository's Dockerfile is not built by ./mvnw verify (no Docker there); this checks its
// instructions, flags and stage references with the linter of the Docker language server.
describe('the Dockerfile', () => {
  it('has no errors or warnings', () => {
    const dockerfile = readFileSync(fileURLToPath(new URL('../../../Dockerfile', import.meta.url)), 'utf8');
    const problems = validate(dockerfile).map(
      (problem) => `line ${problem.range.start.line + 1}: ${problem.message} (severity ${problem.severity})`,
    );
    expect(problems).toEqual([]);
  });
});
