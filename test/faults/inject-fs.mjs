/**
 * An injected filesystem fault for the fault-injection suite (loaded into the child with
 * `node --import`): the ANONSIM_FAULT_AT-th write to a file under ANONSIM_FAULT_DIR fails with
 * ANONSIM_FAULT_CODE (EIO, ENOSPC, EACCES), as the kernel would report it, and so does every
 * later write there (a failing disk stays failed). Covers every way anonsim writes: FileHandle
 * writes (checkpoints), write streams (CSVs, via fs.write on an fd opened under the folder),
 * fs/promises writeFile (manifest, timelines, report) and the synchronous calls (log worlds,
 * lock file). Test tooling only; never loaded by anonsim itself.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve } from 'node:path';

const dir = resolve(process.env.ANONSIM_FAULT_DIR ?? '/nonexistent');
const at = Number(process.env.ANONSIM_FAULT_AT ?? 'Infinity');
const code = process.env.ANONSIM_FAULT_CODE ?? 'EIO';
const WORDS = { EIO: 'i/o error', ENOSPC: 'no space left on device', EACCES: 'permission denied' };
let count = 0;
const fds = new Set();

const under = (p) => typeof p === 'string' && resolve(p).startsWith(`${dir}/`);
const fault = (syscall) => {
  const e = new Error(`${code}: ${WORDS[code] ?? 'error'}, ${syscall}`);
  e.code = code;
  e.errno = -5;
  e.syscall = syscall;
  return e;
};
/** Whether this write fails: counts writes under the folder. */
const hit = () => ++count >= at;

const { open, openSync, write, writev, writeSync, writeFileSync, close, closeSync } = fs;
fs.open = function (path, ...rest) {
  const cb = rest[rest.length - 1];
  rest[rest.length - 1] = (err, fd) => {
    if (!err && under(path)) fds.add(fd);
    cb(err, fd);
  };
  return open.call(this, path, ...rest);
};
fs.openSync = function (path, ...rest) {
  const fd = openSync.call(this, path, ...rest);
  if (under(path)) fds.add(fd);
  return fd;
};
fs.close = function (fd, ...rest) {
  fds.delete(fd);
  return close.call(this, fd, ...rest);
};
fs.closeSync = function (fd) {
  fds.delete(fd);
  return closeSync.call(this, fd);
};
fs.write = function (fd, ...rest) {
  if (fds.has(fd) && hit()) {
    const cb = rest[rest.length - 1];
    process.nextTick(() => cb(fault('write')));
    return;
  }
  return write.call(this, fd, ...rest);
};
// Write streams flush buffered chunks with writev.
fs.writev = function (fd, ...rest) {
  if (fds.has(fd) && hit()) {
    const cb = rest[rest.length - 1];
    process.nextTick(() => cb(fault('writev')));
    return;
  }
  return writev.call(this, fd, ...rest);
};
fs.writeSync = function (fd, ...rest) {
  if (fds.has(fd) && hit()) throw fault('write');
  return writeSync.call(this, fd, ...rest);
};
fs.writeFileSync = function (path, ...rest) {
  if (under(path) && hit()) throw fault('write');
  return writeFileSync.call(this, path, ...rest);
};
const promises = fs.promises;
const writeFile = promises.writeFile;
promises.writeFile = async function (path, ...rest) {
  if (under(path) && hit()) throw fault('write');
  return writeFile.call(this, path, ...rest);
};
const popen = promises.open;
promises.open = async function (path, ...rest) {
  const fh = await popen.call(this, path, ...rest);
  if (under(path)) {
    const wf = fh.writeFile.bind(fh);
    const w = fh.write.bind(fh);
    fh.writeFile = async (...a) => {
      if (hit()) throw fault('write');
      return wf(...a);
    };
    fh.write = async (...a) => {
      if (hit()) throw fault('write');
      return w(...a);
    };
  }
  return fh;
};
syncBuiltinESMExports();
