# codeinject's warm Python toolchain (issue 4): a long-lived interpreter inside a container of the
# last build, so a replayed `python -m compileall` runs in-process and warm instead of paying a
# container start and an interpreter start per injection. Each request puts the COPY patch in
# place, runs the RUN's compileall / mkdir steps with the image's own Python, and reports what
# they wrote under the watched paths that differs from the image; the next request first puts
# everything back, so every request starts from the image again.
# Started as `python3 codeinject_toolchain.py PORT IDLE_MS`; exits after IDLE_MS without requests.
# Protocol (big-endian, str = int32 length + UTF-8): see apps/cli/src/flow/toolchain/protocol.ts.
import compileall
import contextlib
import importlib.util
import io
import os
import shutil
import socket
import stat
import struct
import sys

FILE, DIR, SYMLINK, DELETED = 0, 1, 2, 3
# What compileall writes. Anything else changing under a watched path is refused, not reported.
OUTPUT_SUFFIXES = ('.pyc',)


class Reader:
    def __init__(self, sock):
        self.file = sock.makefile('rb')

    def exact(self, count):
        data = self.file.read(count)
        if len(data) != count:
            raise EOFError('request ended early')
        return data

    def byte(self):
        return self.exact(1)[0]

    def int(self):
        return struct.unpack('>i', self.exact(4))[0]

    def long(self):
        return struct.unpack('>q', self.exact(8))[0]

    def bytes(self):
        return self.exact(self.int())

    def str(self):
        return self.bytes().decode('utf-8')


class Writer:
    def __init__(self):
        self.parts = []

    def byte(self, value):
        self.parts.append(bytes([value]))

    def int(self, value):
        self.parts.append(struct.pack('>i', value))

    def long(self, value):
        self.parts.append(struct.pack('>q', value))

    def bytes(self, value):
        self.int(len(value))
        self.parts.append(value)

    def str(self, value):
        self.bytes(value.encode('utf-8'))


class Saved:
    """A path as it was: to put back, or to compare with."""

    def __init__(self, path):
        self.path = path
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            self.exists = False
            return
        self.exists = True
        self.mode = stat.S_IMODE(st.st_mode)
        self.uid, self.gid = st.st_uid, st.st_gid
        self.mtime_ns = st.st_mtime_ns
        if stat.S_ISLNK(st.st_mode):
            self.type, self.content = SYMLINK, os.readlink(path).encode('utf-8')
        elif stat.S_ISDIR(st.st_mode):
            self.type, self.content = DIR, b''
        else:
            self.type = FILE
            with open(path, 'rb') as f:
                self.content = f.read()

    def same(self, other):
        if self.exists != other.exists:
            return False
        return not self.exists or (
            self.type == other.type and self.content == other.content and self.mode == other.mode
            and self.uid == other.uid and self.gid == other.gid
        )

    @staticmethod
    def absent(path):
        saved = Saved.__new__(Saved)
        saved.path, saved.exists = path, False
        return saved

    def put_back(self):
        # A directory that is still one keeps its contents: only its own metadata goes back.
        keep = self.exists and self.type == DIR and os.path.isdir(self.path) and not os.path.islink(self.path)
        if not keep:
            remove(self.path)
        if not self.exists:
            return
        if self.type == DIR:
            os.makedirs(self.path, exist_ok=True)
        elif self.type == SYMLINK:
            os.symlink(self.content.decode('utf-8'), self.path)
        else:
            with open(self.path, 'wb') as f:
                f.write(self.content)
        finish(self.path, self.type, self.mode, self.uid, self.gid, self.mtime_ns)


def remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)


def finish(path, kind, mode, uid, gid, mtime_ns):
    os.lchown(path, uid, gid)
    if kind != SYMLINK:
        os.chmod(path, mode)
    os.utime(path, ns=(mtime_ns, mtime_ns), follow_symlinks=kind != SYMLINK)


def stat_tree(root):
    """Every path under root with what shows a change: type, size, mtime, inode, mode."""
    found = {}
    if not os.path.lexists(root):
        return found
    found[root] = stat_key(root)
    if os.path.isdir(root) and not os.path.islink(root):
        for top, dirs, files in os.walk(root):
            for name in dirs + files:
                path = os.path.join(top, name)
                found[path] = stat_key(path)
    return found


def stat_key(path):
    st = os.lstat(path)
    return (stat.S_IFMT(st.st_mode), st.st_size, st.st_mtime_ns, st.st_ino, st.st_mode, st.st_uid, st.st_gid)


class Toolchain:
    def __init__(self):
        self.undo = []  # Saved states of what the patch replaced, put back in reverse order
        self.image = {}  # path -> Saved: the image's state of every output path seen changing
        self.dirty = set()  # output paths the last request changed
        self.learned = set()  # watched roots whose image state is in self.image

    def restore(self):
        for saved in reversed(self.undo):
            saved.put_back()
        self.undo = []
        # Children before parents: a directory the last run created goes after its files.
        for path in sorted(self.dirty, key=len, reverse=True):
            self.image[path].put_back()
        self.dirty = set()

    def write_entry(self, path, kind, mode, uid, gid, mtime_ms, content):
        parent = os.path.dirname(path)
        if not os.path.lexists(parent):
            top = parent
            while not os.path.lexists(os.path.dirname(top)):
                top = os.path.dirname(top)
            self.undo.append(Saved(top))
            os.makedirs(parent)
        self.remember(path, keep_directory=kind == DIR)
        if kind == DIR:
            if not (os.path.isdir(path) and not os.path.islink(path)):
                remove(path)
                os.mkdir(path)
        else:
            remove(path)
            if kind == SYMLINK:
                os.symlink(content.decode('utf-8'), path)
            else:
                with open(path, 'wb') as f:
                    f.write(content)
        finish(path, kind, mode, uid, gid, mtime_ms * 1_000_000)

    def remember(self, path, keep_directory=False):
        """Saves path (and its subtree, unless a kept directory) to put back later."""
        self.undo.append(Saved(path))
        if keep_directory or not (os.path.isdir(path) and not os.path.islink(path)):
            return
        for top, dirs, files in os.walk(path):
            for name in dirs + files:
                self.undo.append(Saved(os.path.join(top, name)))

    def handle(self, request, reply):
        entries = []
        for _ in range(request.int()):
            kind, path = request.byte(), request.str()
            mode, uid, gid, mtime_ms = request.int(), request.int(), request.int(), request.long()
            entries.append((path, kind, mode, uid, gid, mtime_ms, request.bytes()))
        deletions = [request.str() for _ in range(request.int())]
        steps = [read_step(request) for _ in range(request.int())]
        watched = [os.path.abspath(request.str()) for _ in range(request.int())]

        self.restore()
        self.learn_image(watched)
        for entry in entries:
            self.write_entry(*entry)
        for path in deletions:
            self.remember(path)
            remove(path)
        if any(step[0] == 'compileall' for step in steps):
            # A .pyc may hold its edited source's mtime and size (same second, same length), and
            # compileall would keep it: the ones of every source put in place go first.
            for path in (e[0] for e in entries if e[1] == FILE and e[0].endswith('.py')):
                for pyc in cached_forms(path):
                    if os.path.lexists(pyc):
                        self.remember(pyc)
                        remove(pyc)

        before = {}
        for root in watched:
            before.update(stat_tree(root))
        log = io.StringIO()
        status = 0
        for step in steps:
            status = run(step, log)
            if status != 0:
                break
        after = {}
        for root in watched:
            after.update(stat_tree(root))
        changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
        unexpected = [
            p for p in changed
            if not p.endswith(OUTPUT_SUFFIXES) and not (p in after and stat.S_ISDIR(after[p][0]))
        ]
        if unexpected and status == 0:
            log.write('the RUN changed %s, which only a full replay may write\n' % unexpected[0])
            status = 1
        outputs = []
        for path in changed:
            # Compared with the image, not with the state before this run: an output the image
            # already holds byte for byte need not travel.
            self.dirty.add(path)
            self.image.setdefault(path, Saved.absent(path))
            now = Saved(path)
            if not now.same(self.image[path]):
                outputs.append(now)
        reply.byte(0 if status == 0 else 1)
        reply.str(log.getvalue())
        if status != 0:
            reply.int(0)
            return
        reply.int(len(outputs))
        for out in outputs:
            reply.byte(out.type if out.exists else DELETED)
            reply.str(out.path)
            reply.int(out.mode if out.exists else 0)
            reply.int(out.uid if out.exists else 0)
            reply.int(out.gid if out.exists else 0)
            reply.long(out.mtime_ns // 1_000_000 if out.exists else 0)
            reply.bytes(out.content if out.exists else b'')

    def learn_image(self, watched):
        """Reads the image's outputs under each watched path once, before a run changes them.
        After restore() the tree is the image's again, so a root read once stays read; a path
        missing from what was read is not in the image."""
        for root in watched:
            if root in self.learned:
                continue
            self.learned.add(root)
            for path, key in stat_tree(root).items():
                if path not in self.image and (path.endswith(OUTPUT_SUFFIXES) or stat.S_ISDIR(key[0])):
                    self.image[path] = Saved(path)


def cached_forms(source):
    """Where this interpreter caches a source's bytecode: each optimization level, and legacy -b."""
    forms = [source + 'c']
    for level in ('', 1, 2):
        forms.append(importlib.util.cache_from_source(source, optimization=level))
    return forms


def read_step(request):
    words = []
    for _ in range(request.int()):
        if request.byte() != 0:
            raise ValueError('the Python toolchain takes no $(find) words')
        words.append(request.str())
    return words


def run(step, log):
    tool, args = step[0], step[1:]
    if tool == 'mkdir':
        parents = '-p' in args
        try:
            for path in (a for a in args if not a.startswith('-')):
                if parents:
                    os.makedirs(path, exist_ok=True)
                else:
                    os.mkdir(path)
            return 0
        except OSError as error:
            log.write('mkdir: %s\n' % error)
            return 1
    if tool == 'compileall':
        # compileall's own command line, in this interpreter: the same options, the same output.
        saved_argv = sys.argv
        sys.argv = ['compileall'] + args
        try:
            with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
                return 0 if compileall.main() else 1
        except SystemExit as exit_:
            return exit_.code if isinstance(exit_.code, int) else 1
        finally:
            sys.argv = saved_argv
    log.write('%s: not a tool of the Python toolchain\n' % tool)
    return 127


def main():
    port, idle_ms = int(sys.argv[1]), int(sys.argv[2])
    token = os.environ.get('CODEINJECT_TOOLCHAIN_TOKEN', '')
    toolchain = Toolchain()
    # Plain bind/listen rather than create_server (3.8+): images with Python 3.6 run this too.
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(('', port))
    server.listen(8)
    server.settimeout(idle_ms / 1000)
    while True:
        try:
            conn, _ = server.accept()
        except socket.timeout:
            return
        with conn:
            conn.settimeout(None)
            request = Reader(conn)
            try:
                if request.str() != token:
                    continue
                reply = Writer()
                toolchain.handle(request, reply)
                conn.sendall(b''.join(reply.parts))
            except Exception as error:  # one bad request must not end the server
                print('codeinject toolchain: %r' % error, file=sys.stderr)
            finally:
                # The answer ends with the connection; the reader's file holds it open otherwise.
                request.file.close()


if __name__ == '__main__':
    main()
