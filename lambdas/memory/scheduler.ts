/**
 * In-memory one-time schedules and async invocations: the EmailScheduler and SenderInvoker
 * contracts (idempotent create and delete; see test/contract), plus what a test or the in-process
 * service needs to fire them: the pending schedules and the ones due at an instant.
 */
import type { SendEvent } from '../core/events.js';
import type { EmailScheduler, OneTimeSchedule, SenderInvoker } from '../core/ports.js';

export class MemoryScheduler implements EmailScheduler {
  private readonly schedules = new Map<string, OneTimeSchedule>();

  async create(schedule: OneTimeSchedule): Promise<void> {
    // Scheduler's rule for a name, as EventBridge (and the local emulator) check it.
    if (!/^[0-9a-zA-Z_.-]{1,64}$/.test(schedule.name)) {
      throw new Error(`schedule name refused (1 to 64 of [0-9a-zA-Z_.-]): ${schedule.name}`);
    }
    // The first one made under a name stands, as EventBridge answers a second with a conflict.
    if (!this.schedules.has(schedule.name)) {
      this.schedules.set(schedule.name, {
        ...schedule,
        at: new Date(schedule.at),
        event: { ...schedule.event },
      });
    }
  }

  async delete(name: string): Promise<void> {
    this.schedules.delete(name);
  }

  /** Every schedule still to fire, earliest first. */
  pending(): OneTimeSchedule[] {
    return [...this.schedules.values()].sort(
      (a, b) => a.at.getTime() - b.at.getTime() || a.name.localeCompare(b.name),
    );
  }

  /** Removes and returns the schedules due at `now` (a fired one-time schedule deletes itself). */
  takeDue(now: Date): OneTimeSchedule[] {
    const due = this.pending().filter((s) => s.at.getTime() <= now.getTime());
    for (const s of due) this.schedules.delete(s.name);
    return due;
  }
}

/** Keeps each handed-over event until someone takes it (the in-process service runs them). */
export class MemoryInvoker implements SenderInvoker {
  private readonly queue: SendEvent[] = [];
  /** Called after each event is queued (the in-process service starts it at once). */
  onInvoke: (() => void) | undefined;

  async invokeAsync(event: SendEvent): Promise<void> {
    this.queue.push({ ...event });
    this.onInvoke?.();
  }

  /** The events handed over and not taken yet, oldest first; they are taken. */
  take(): SendEvent[] {
    return this.queue.splice(0);
  }
}
