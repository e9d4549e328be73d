// How long the person has been away from the keyboard, reported with each
// poll so presence can show them as idle.

const EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart', 'focus'];

/** Idle tracks the time since the last input in this tab. */
export class Idle {
  constructor(target = window, now = () => Date.now()) {
    this.now = now;
    this.last = now();
    const touch = () => {
      this.last = this.now();
    };
    for (const e of EVENTS) target.addEventListener(e, touch, { passive: true, capture: true });
  }

  /** seconds since the last input. */
  seconds() {
    return Math.max(0, (this.now() - this.last) / 1000);
  }
}
