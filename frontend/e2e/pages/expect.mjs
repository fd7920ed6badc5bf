// Waiting on a condition in the page, never for a fixed time.
export async function expect(condition, what, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      if (await condition()) {
        return;
      }
    }
    catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting until ${what}${last ? `: ${last.message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}
