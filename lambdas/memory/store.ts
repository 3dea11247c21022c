/**
 * In-memory adapters of the store ports: the same contracts as the DynamoDB ones in lambdas/aws
 * (test/contract runs one suite against both), for the in-process tests and tools that need no
 * servers. Every read hands out a copy, so a caller can never change what is stored behind the
 * store's back, as with a database.
 */

import type { HistoryEntry } from '../core/history.js';
import {
  type EmailChange,
  type EmailStatus,
  erased,
  fromStored,
  type InterviewRecord,
  transitioned,
  unchangedSince,
  withCancelRequested,
} from '../core/interview.js';
import type { EmailKey } from '../core/panel.js';
import type { InterviewStore, TransitionOptions } from '../core/ports.js';

const copy = <T>(value: T): T => structuredClone(value);
/** What a read hands out: a copy, in today's shape (an item stored before panels, see fromStored). */
const out = (record: InterviewRecord): InterviewRecord =>
  fromStored(copy(record) as unknown as Record<string, unknown>);

export class MemoryInterviewStore implements InterviewStore {
  private readonly items = new Map<string, InterviewRecord>();

  async create(record: InterviewRecord): Promise<boolean> {
    if (this.items.has(record.id)) return false;
    this.items.set(record.id, copy(record));
    return true;
  }

  async get(id: string): Promise<InterviewRecord | undefined> {
    const record = this.items.get(id);
    return record && out(record);
  }

  async findByTokenHash(tokenHash: string): Promise<InterviewRecord | undefined> {
    for (const record of this.items.values()) {
      if (record.tokenHash === tokenHash) return out(record);
    }
    return undefined;
  }

  /** Puts the change if the record exists and `change` gives a new one; the stored result. */
  private update(
    id: string,
    change: (record: InterviewRecord) => InterviewRecord | undefined,
  ): InterviewRecord | undefined {
    const record = this.items.get(id);
    const next = record && change(out(record));
    if (!next) return undefined;
    this.items.set(id, next);
    return out(next);
  }

  async transition(
    id: string,
    key: EmailKey,
    from: readonly EmailStatus[],
    to: EmailStatus,
    fields: EmailChange,
    options: TransitionOptions = {},
  ): Promise<InterviewRecord | undefined> {
    return this.update(id, (record) => transitioned(record, key, from, to, copy(fields), options));
  }

  async requestCancel(
    id: string,
    key: EmailKey,
    updatedAt: string,
    reason: string,
  ): Promise<InterviewRecord | undefined> {
    return this.update(id, (record) => withCancelRequested(record, key, updatedAt, reason));
  }

  async replace(next: InterviewRecord, read: InterviewRecord): Promise<boolean> {
    return (
      this.update(next.id, (current) => (unchangedSince(current, read) ? copy(next) : undefined)) !==
      undefined
    );
  }

  async erase(record: InterviewRecord, at: string, log?: HistoryEntry): Promise<void> {
    const id = record.id;
    if (!this.update(id, (current) => erased(current, at, log)))
      throw new Error(`no interview ${id} to erase`);
  }

  async discard(id: string): Promise<void> {
    this.items.delete(id);
  }

  async *listOwnedBy(ownerKeyId: string): AsyncIterable<InterviewRecord> {
    for (const record of [...this.items.values()]) {
      if (record.ownerKeyId === ownerKeyId) yield out(record);
    }
  }

  async *listDue(at: string): AsyncIterable<InterviewRecord> {
    const due = [...this.items.values()].filter((r) => r.checkAt !== undefined && r.checkAt <= at);
    for (const record of due) {
      // Read again when its turn comes, as the DynamoDB store reads each hit.
      const current = this.items.get(record.id);
      if (current) yield out(current);
    }
  }

  async setCheckAt(
    id: string,
    checkAt: string | undefined,
    log: readonly HistoryEntry[] = [],
  ): Promise<void> {
    this.update(id, (record) => {
      const { checkAt: _old, ...rest } = record;
      const logged = log.length > 0 ? { ...rest, history: [...(rest.history ?? []), ...log] } : rest;
      return checkAt === undefined ? logged : { ...logged, checkAt };
    });
  }

  /** The earliest `checkAt` of any interview (what the local clock walks to; see local/service.ts). */
  async nextCheckAt(): Promise<string | undefined> {
    const times = [...this.items.values()].map((r) => r.checkAt).filter((t): t is string => t !== undefined);
    return times.sort()[0];
  }
}
