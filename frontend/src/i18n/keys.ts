import type en from './en';

/** Every UI string's key. English is the reference; zh-CN must have exactly the same keys. */
export type MessageKey = keyof typeof en;

export type Dictionary = Record<MessageKey, string>;
