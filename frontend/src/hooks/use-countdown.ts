import { useEffect, useState } from 'react';

/**
 * Seconds left until a deadline, ticking once a second; 0 once it has passed. The deadline is
 * fixed when `seconds` (from Retry-After) arrives, so re-renders do not restart the count.
 */
export function useCountdown(seconds: number | null, startedAt: number | null = null): number {
  const [deadline, setDeadline] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    setDeadline(seconds == null ? null : (startedAt ?? Date.now()) + seconds * 1000);
    setNow(Date.now());
  }, [seconds, startedAt]);

  useEffect(() => {
    if (deadline == null) return;
    const timer = window.setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= deadline) window.clearInterval(timer);
    }, 1000);
    return () => window.clearInterval(timer);
  }, [deadline]);

  return deadline == null ? 0 : Math.max(0, Math.ceil((deadline - now) / 1000));
}
