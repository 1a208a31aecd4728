// The main thread's side of the compile worker: posts compile requests and collects finished
// modules without ever blocking, by polling its port (receiveMessageOnPort) at each exit of the
// run loop. The main thread keeps executing guest code meanwhile. A request carries optimized
// regions as guest code only (each block's pc and the instruction words it was discovered from),
// so lifting and the IR passes run in the worker too.
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { PipelineName } from '@ferry/opt';
import { discoverBlock, type GuestBlock, type LiftHints } from '@ferry/lift-riscv';

/** How the worker compiles: `direct` with the wasm writer, `binaryen` through binaryen (with
 *  `passes`, or -O2 when absent). */
export interface CompileOptions {
  codegen: 'direct' | 'binaryen';
  passes?: string[];
  promoteRegisters?: boolean;
  /** Count transfers between translations (ferry run --stats). */
  countTransfers?: boolean;
}

/** A region as guest code: its blocks' pcs (entry first), every instruction word they hold, and
 *  the targets of the switches' jumps that discovery resolved (GuestBlock.indirectTargets). */
export interface RegionCode {
  pcs: bigint[];
  words: [bigint, number][];
  tables: [bigint, readonly bigint[]][];
}

export interface CompileRequest {
  id: number;
  /** Regions to lift (with `hints`) and optimize with `pipeline` in the worker, one function each. */
  regions: RegionCode[];
  pipeline: PipelineName;
  hints?: LiftHints;
  options: CompileOptions;
}

/** The blocks of a region from its code, as the main thread discovered them (the same words
 *  decode the same way, and the resolved switch targets come along). */
export function regionBlocks(region: RegionCode): GuestBlock[] {
  const words = new Map(region.words);
  const tables = new Map(region.tables);
  return region.pcs.map((pc) => {
    const block = discoverBlock((at) => words.get(at), pc);
    if (!block) throw new Error(`internal error: no code for the region block at 0x${pc.toString(16)}`);
    const targets = tables.get(pc);
    return targets ? { ...block, indirectTargets: targets } : block;
  });
}

/** The guest code of a discovered region, for a request. */
export function regionCode(blocks: readonly GuestBlock[]): RegionCode {
  const words = new Map<bigint, number>();
  for (const b of blocks) for (const i of b.insns) words.set(i.pc, i.word);
  const tables = blocks.flatMap((b): [bigint, readonly bigint[]][] => (b.indirectTargets ? [[b.pc, b.indirectTargets]] : []));
  return { pcs: blocks.map((b) => b.pc), words: [...words], tables };
}

export interface CompileReply {
  id: number;
  module?: WebAssembly.Module;
  exports?: string[];
  error?: string;
  compileMs: number;
}

/** The worker script: the built file beside this module, or, when this module itself runs from
 *  source (the test runner loads .ts files), the built copy in dist/. */
function workerScript(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('../../dist/jit/compile-worker.js', import.meta.url)
    : new URL('./compile-worker.js', import.meta.url);
}

export class CompileClient {
  private readonly worker: Worker;
  /** Set when the worker died; requests are then refused and execution stays in lower tiers. */
  failure: Error | undefined;
  private readonly port: MessagePort;
  private nextId = 0;
  inFlight = 0;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.worker = new Worker(workerScript(), { workerData: { port: port1 }, transferList: [port1] });
    this.worker.on('error', (e) => {
      this.failure = e;
    });
    this.worker.unref();
    this.port = port2;
  }

  /** Asks for the regions (discovered blocks, entry first) compiled into one module; undefined
   *  when the worker is gone. */
  request(regions: readonly (readonly GuestBlock[])[], options: CompileOptions, pipeline: PipelineName, hints?: LiftHints): number | undefined {
    if (this.failure) return undefined;
    const id = this.nextId++;
    const message: CompileRequest = { id, regions: regions.map(regionCode), pipeline, ...(hints ? { hints } : {}), options };
    this.port.postMessage(message);
    this.inFlight++;
    return id;
  }

  /** Finished compilations since the last call (never waits). */
  poll(): CompileReply[] {
    const replies: CompileReply[] = [];
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      replies.push(m.message as CompileReply);
      this.inFlight--;
    }
    return replies;
  }

  /** Blocks until at least one compilation finishes (for runs that have nothing else to do). */
  waitForOne(timeoutMs = 10_000): CompileReply[] {
    const deadline = performance.now() + timeoutMs;
    const signal = new Int32Array(new SharedArrayBuffer(4));
    for (;;) {
      const replies = this.poll();
      if (replies.length || this.inFlight === 0 || performance.now() > deadline) return replies;
      Atomics.wait(signal, 0, 0, 1);
    }
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
