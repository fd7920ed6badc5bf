// The console's end-to-end suite: every scenario in a fresh browser context of Debian's
// Chromium (never a downloaded browser), against a running Enclave. Started by the Java
// integration test ConsoleE2EIT, which passes where Enclave runs and what it prepared:
//   ENCLAVE_BASE_URL, ENCLAVE_ADMIN_PASSWORD, ENCLAVE_CHROMIUM, ENCLAVE_E2E_OUT,
//   ENCLAVE_SCRIPTED_MODEL, ENCLAVE_LONG_CONVERSATION
// Prints "PASSED <name>" or "FAILED <name>: <why>" per scenario and a screenshot of each
// under ENCLAVE_E2E_OUT; exits non-zero when any failed.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { scenarios } from './scenarios/index.mjs';
import { Api } from './api.mjs';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the suite through ConsoleE2EIT (./mvnw verify)`);
  }
  return value;
};

const config = {
  baseUrl: env('ENCLAVE_BASE_URL'),
  adminPassword: env('ENCLAVE_ADMIN_PASSWORD'),
  out: env('ENCLAVE_E2E_OUT'),
  scriptedModel: env('ENCLAVE_SCRIPTED_MODEL'),
  longConversation: env('ENCLAVE_LONG_CONVERSATION'),
};
mkdirSync(config.out, { recursive: true });

const browser = await chromium.launch({
  executablePath: env('ENCLAVE_CHROMIUM'),
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const only = process.env.ENCLAVE_E2E_ONLY;
let failed = 0;
try {
  for (const scenario of scenarios.filter((s) => !only || s.name.includes(only))) {
    const context = await browser.newContext({
      baseURL: config.baseUrl,
      viewport: scenario.viewport ?? { width: 1280, height: 800 },
      locale: scenario.locale ?? 'en-US',
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const started = Date.now();
    try {
      await scenario.run({ page, context, config, api: new Api(config) });
      console.log(`PASSED ${scenario.name} (${Date.now() - started} ms)`);
    }
    catch (error) {
      failed++;
      console.log(`FAILED ${scenario.name}: ${error?.stack ?? error}`);
    }
    finally {
      await page.screenshot({ path: join(config.out, `${scenario.name}.png`), fullPage: false }).catch(() => {});
      await context.close();
    }
  }
}
finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
