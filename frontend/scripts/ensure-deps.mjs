// Runs `npm ci` only when node_modules is missing or package-lock.json changed since the last
// install, so every Maven build does not reinstall. The lockfile's hash is kept in node_modules.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const stamp = 'node_modules/.enclave-lock-hash';
const hash = createHash('sha256').update(readFileSync('package-lock.json')).digest('hex');

if (existsSync('node_modules') && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
  console.log('console dependencies are up to date');
} else {
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
  writeFileSync(stamp, hash);
}
