// codeinject's warm toolchain (issue 4): a long-lived JVM inside a container of the image below a
// replayed RUN, so javac and jar run in-process and warm instead of paying a container start and
// a cold JVM per injection. Each request puts the COPY patch in place, runs the RUN's javac / jar /
// mkdir steps with the image's own JDK, reports what they wrote under the watched output paths,
// and the next request first undoes all of it: the filesystem is the image's again every time.
// Started as `java CodeinjectToolchain.java PORT IDLE_MS`; exits after IDLE_MS without requests.
// Protocol (big-endian, str = int32 length + UTF-8): see apps/cli/src/flow/toolchain/protocol.ts.

import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.nio.file.attribute.*;
import java.util.*;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

public class CodeinjectToolchain {
  static final byte FILE = 0, DIR = 1, SYMLINK = 2, DELETED = 3;

  /** A path as it was before this request touched it, to put back by the next one. */
  record Saved(Path path, boolean existed, byte type, byte[] bytes, int mode, int uid, int gid, FileTime mtime) {}

  static final List<Saved> undo = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int idleMs = Integer.parseInt(args[1]);
    String token = System.getenv("CODEINJECT_TOOLCHAIN_TOKEN");
    try (ServerSocket server = new ServerSocket(port)) {
      server.setSoTimeout(idleMs);
      Thread warm = new Thread(CodeinjectToolchain::warmUp);
      warm.setDaemon(true);
      warm.start();
      while (true) {
        Socket socket;
        try {
          socket = server.accept();
        } catch (SocketTimeoutException idle) {
          System.exit(0);
          return;
        }
        try (socket) {
          DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
          if (!readStr(in).equals(token)) continue;
          requested = true;
          handle(in, out); // one at a time: requests are served in turn by this loop
          out.flush();
        } catch (Exception e) {
          e.printStackTrace();
        }
      }
    }
  }

  static volatile boolean requested = false;

  /**
   * Compiles a made-up source set a few times before the first request, so javac is loaded and
   * JIT-compiled when the first edit arrives; stops as soon as one does. Writes only in /tmp.
   */
  static void warmUp() {
    try {
      Path dir = Files.createTempDirectory("codeinject-warmup");
      List<String> args = new ArrayList<>(List.of("-d", dir.resolve("out").toString()));
      for (int c = 0; c < 24; c++) {
        Path source = dir.resolve("W" + c + ".java");
        StringBuilder body = new StringBuilder("import java.util.*;\npublic class W" + c + " {\n");
        body.append("  public static final int K = ").append(c).append(";\n");
        for (int m = 0; m < 12; m++)
          body.append("  List<String> m").append(m).append("(Map<String, Integer> in) { List<String> out = new ArrayList<>();")
              .append(" for (var e : in.entrySet()) if (e.getValue() > K + ").append(m)
              .append(c > 0 ? " + W" + (c - 1) + ".K" : "").append(") out.add(e.getKey() + \"").append(m).append("\"); return out; }\n");
        Files.writeString(source, body.append("}\n").toString());
        args.add(source.toString());
      }
      ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
      PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
      for (int i = 0; i < 12 && !requested; i++) javac.run(quiet, quiet, args.toArray(new String[0]));
      deleteTree(dir);
    } catch (Exception e) {
      e.printStackTrace();
    }
  }

  static void handle(DataInputStream in, DataOutputStream out) throws IOException {
    restore();
    // The COPY patch.
    int entries = in.readInt();
    for (int i = 0; i < entries; i++) {
      byte type = in.readByte();
      Path path = Path.of(readStr(in));
      int mode = in.readInt(), uid = in.readInt(), gid = in.readInt();
      long mtimeMs = in.readLong();
      byte[] content = readBytes(in);
      writeEntry(path, type, mode, uid, gid, mtimeMs, content);
    }
    int deletions = in.readInt();
    for (int i = 0; i < deletions; i++) {
      Path path = Path.of(readStr(in));
      remember(path);
      deleteTree(path);
    }
    List<List<String>> steps = new ArrayList<>();
    int stepCount = in.readInt();
    for (int i = 0; i < stepCount; i++) steps.add(readStep(in));
    List<Path> watched = new ArrayList<>();
    int watchedCount = in.readInt();
    for (int i = 0; i < watchedCount; i++) watched.add(topMissing(Path.of(readStr(in)).toAbsolutePath()));

    Map<Path, Saved> before = new LinkedHashMap<>();
    for (Path root : watched) snapshot(root, before);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(log, true, StandardCharsets.UTF_8);
    int exit = 0;
    for (List<String> step : steps) {
      exit = run(step, print);
      if (exit != 0) break;
    }
    Map<Path, Saved> after = new LinkedHashMap<>();
    for (Path root : watched) snapshot(root, after);
    // Whatever the steps touched is put back by the next request.
    for (Saved old : before.values()) undo.add(old);
    for (Path path : after.keySet())
      if (!before.containsKey(path)) undo.add(new Saved(path, false, FILE, null, 0, 0, 0, null));

    if (exit != 0) {
      out.writeByte(1);
      writeStr(out, log.toString(StandardCharsets.UTF_8));
      out.writeInt(0);
      return;
    }
    List<Saved> outputs = new ArrayList<>();
    for (Saved now : after.values()) {
      Saved old = before.get(now.path());
      if (old == null || old.type() != now.type() || !Arrays.equals(old.bytes(), now.bytes()) || old.mode() != now.mode())
        outputs.add(now);
    }
    for (Saved old : before.values())
      if (!after.containsKey(old.path())) outputs.add(new Saved(old.path(), false, DELETED, null, 0, 0, 0, null));
    out.writeByte(0);
    writeStr(out, log.toString(StandardCharsets.UTF_8));
    out.writeInt(outputs.size());
    for (Saved output : outputs) {
      out.writeByte(output.type());
      writeStr(out, output.path().toString());
      out.writeInt(output.mode());
      out.writeInt(output.uid());
      out.writeInt(output.gid());
      out.writeLong(output.mtime() == null ? 0 : output.mtime().toMillis());
      writeBytes(out, output.bytes() == null ? new byte[0] : output.bytes());
    }
  }

  static List<String> readStep(DataInputStream in) throws IOException {
    List<String> words = new ArrayList<>();
    int count = in.readInt();
    for (int i = 0; i < count; i++) {
      byte kind = in.readByte();
      if (kind == 0) {
        words.add(readStr(in));
        continue;
      }
      // `$(find ROOT... -name PATTERN [-type f])`, expanded as find prints it.
      int roots = in.readInt();
      List<String> rootNames = new ArrayList<>();
      for (int r = 0; r < roots; r++) rootNames.add(readStr(in));
      PathMatcher name = FileSystems.getDefault().getPathMatcher("glob:" + readStr(in));
      boolean filesOnly = in.readBoolean();
      for (String root : rootNames) {
        Path start = Path.of(root);
        if (!Files.exists(start, LinkOption.NOFOLLOW_LINKS)) continue;
        try (Stream<Path> walk = Files.walk(start)) {
          walk.filter(p -> p.getFileName() != null && name.matches(p.getFileName()))
              .filter(p -> !filesOnly || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
              .forEach(p -> words.add(p.toString()));
        }
      }
    }
    return words;
  }

  /** One step: `mkdir`, `javac` or `jar` with its arguments, in this JVM. */
  static int run(List<String> step, PrintStream log) {
    String tool = step.get(0);
    List<String> args = step.subList(1, step.size());
    if (tool.equals("mkdir")) {
      boolean parents = args.contains("-p");
      try {
        for (String dir : args) {
          if (dir.startsWith("-")) continue;
          if (parents) Files.createDirectories(Path.of(dir));
          else Files.createDirectory(Path.of(dir));
        }
        return 0;
      } catch (IOException e) {
        log.println("mkdir: " + e);
        return 1;
      }
    }
    ToolProvider provider = ToolProvider.findFirst(tool).orElse(null);
    if (provider == null) {
      log.println(tool + ": not in this JDK");
      return 127;
    }
    return provider.run(log, log, args.toArray(new String[0]));
  }

  /** The highest missing ancestor of a path (what creating it creates), or the path itself. */
  static Path topMissing(Path path) {
    Path top = path;
    for (Path p = path; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) top = p;
    return top;
  }

  static void snapshot(Path root, Map<Path, Saved> into) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : (Iterable<Path>) walk::iterator) into.putIfAbsent(path, read(path));
    }
  }

  static Saved read(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return new Saved(path, false, FILE, null, 0, 0, 0, null);
    Map<String, Object> a = Files.readAttributes(path, "unix:mode,uid,gid,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode") & 07777;
    int uid = (Integer) a.get("uid"), gid = (Integer) a.get("gid");
    FileTime mtime = (FileTime) a.get("lastModifiedTime");
    if (Files.isSymbolicLink(path)) {
      byte[] target = Files.readSymbolicLink(path).toString().getBytes(StandardCharsets.UTF_8);
      return new Saved(path, true, SYMLINK, target, mode, uid, gid, mtime);
    }
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) return new Saved(path, true, DIR, null, mode, uid, gid, mtime);
    return new Saved(path, true, FILE, Files.readAllBytes(path), mode, uid, gid, mtime);
  }

  static void remember(Path path) throws IOException {
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> walk = Files.walk(path)) {
        for (Path p : (Iterable<Path>) walk::iterator) undo.add(read(p));
      }
    } else {
      undo.add(read(path));
    }
  }

  static void writeEntry(Path path, byte type, int mode, int uid, int gid, long mtimeMs, byte[] content) throws IOException {
    Path parent = path.getParent();
    if (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
      Path top = topMissing(parent);
      undo.add(new Saved(top, false, DIR, null, 0, 0, 0, null));
      Files.createDirectories(parent);
    }
    // A directory the patch keeps only has its own metadata to put back; anything it replaces
    // is remembered whole, subtree included, as it is deleted.
    boolean keptDirectory = type == DIR && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
    if (keptDirectory) undo.add(read(path));
    else remember(path);
    if (type == DIR) {
      if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        deleteTree(path);
        Files.createDirectory(path);
      }
    } else {
      deleteTree(path);
      if (type == SYMLINK) Files.createSymbolicLink(path, Path.of(new String(content, StandardCharsets.UTF_8)));
      else Files.write(path, content);
    }
    setAttributes(path, type, mode, uid, gid, FileTime.fromMillis(mtimeMs));
  }

  static void setAttributes(Path path, byte type, int mode, int uid, int gid, FileTime mtime) throws IOException {
    Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    if (type == SYMLINK) return;
    Files.setAttribute(path, "unix:mode", mode);
    Files.setLastModifiedTime(path, mtime);
  }

  /** Puts back everything the last request changed, newest first. */
  static void restore() throws IOException {
    for (int i = undo.size() - 1; i >= 0; i--) {
      Saved saved = undo.get(i);
      if (!saved.existed()) {
        deleteTree(saved.path());
        continue;
      }
      if (saved.type() == DIR) {
        if (!Files.isDirectory(saved.path(), LinkOption.NOFOLLOW_LINKS)) {
          deleteTree(saved.path());
          Files.createDirectories(saved.path());
        }
      } else {
        deleteTree(saved.path());
        Files.createDirectories(saved.path().getParent());
        if (saved.type() == SYMLINK)
          Files.createSymbolicLink(saved.path(), Path.of(new String(saved.bytes(), StandardCharsets.UTF_8)));
        else Files.write(saved.path(), saved.bytes());
      }
      setAttributes(saved.path(), saved.type(), saved.mode(), saved.uid(), saved.gid(), saved.mtime());
    }
    undo.clear();
  }

  static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> children = Files.list(path)) {
        for (Path child : (Iterable<Path>) children::iterator) deleteTree(child);
      }
    }
    Files.delete(path);
  }

  static String readStr(DataInputStream in) throws IOException {
    return new String(readBytes(in), StandardCharsets.UTF_8);
  }

  static byte[] readBytes(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return bytes;
  }

  static void writeStr(DataOutputStream out, String s) throws IOException {
    writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
  }

  static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }
}
