/**
 * A reactive "now" that ticks only while something on screen reads it, so
 * relative times ("2 minutes ago") stay fresh without a timer per row.
 */
import { createSubscriber } from 'svelte/reactivity';

const TICK_MS = 20_000;

class Clock {
  #subscribe = createSubscriber((update) => {
    const timer = setInterval(update, TICK_MS);
    return () => clearInterval(timer);
  });

  get now(): number {
    this.#subscribe();
    return Date.now();
  }
}

export const clock = new Clock();
