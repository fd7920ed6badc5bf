import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectLocale, dictionaries, translate } from '.';
import en from './en';

const SRC = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('i18n', () => {
  it('has exactly the same keys in every locale', () => {
    const reference = Object.keys(en).sort();
    for (const [locale, dictionary] of Object.entries(dictionaries)) {
      expect(Object.keys(dictionary).sort(), locale).toEqual(reference);
      for (const [key, value] of Object.entries(dictionary)) expect(value.trim(), `${locale} ${key}`).not.toBe('');
    }
  });

  it('uses the same placeholders in every locale', () => {
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(dictionaries['zh-CN'][key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('defines every key the code asks for', () => {
    const used = new Set<string>();
    for (const file of sources(SRC)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([\w.-]+)'/g)) used.add(match[1]);
    }
    const missing = [...used].filter((key) => !(key in en));
    expect(missing).toEqual([]);
  });

  it('has no hard-coded words between JSX tags', () => {
    const offenders: string[] = [];
    for (const file of sources(SRC).filter((f) => f.endsWith('.tsx'))) {
      const text = readFileSync(file, 'utf8');
      // Text directly inside an element: >Words< — symbols and icons (×, ✎, 👍) are allowed.
      for (const match of text.matchAll(/(?<![=-])>[ \t]*([A-Za-z\u4e00-\u9fff][^<>{}()=;\n]*?)[ \t]*</g)) {
        offenders.push(`${file.slice(SRC.length)}: ${match[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('prefers zh-CN when the browser does', () => {
    expect(detectLocale(['zh-CN', 'en'])).toBe('zh-CN');
    expect(detectLocale(['zh-TW'])).toBe('zh-CN');
    expect(detectLocale(['en-US', 'zh-CN'])).toBe('en');
    expect(detectLocale(['fr'])).toBe('en');
  });

  it('fills placeholders', () => {
    expect(translate('zh-CN', 'error.retry_in', { seconds: 3 })).toBe('请求过多，请在 3 秒后重试');
  });
});
