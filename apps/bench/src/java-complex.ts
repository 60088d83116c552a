// java-complex (issue 5): a generated Java service of 180 classes in 12 packages, with a library
// compiled in an earlier step, compiled by javac from a find list and packaged by jar. Classes
// use other packages' `static final` constants, which javac inlines, so an edit of one class
// changes the bytes of others: only a whole recompilation (as a rebuild does) gets them right.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchApp } from './apps.js';
import { seededRandom } from './random.js';

const PACKAGES = [
  'api',
  'billing',
  'catalog',
  'checkout',
  'config',
  'inventory',
  'model',
  'orders',
  'payments',
  'repo',
  'search',
  'shipping',
];
const CLASSES_PER_PACKAGE = 15;
const WEIGHTS = 5;

interface GeneratedClass {
  pkg: string;
  name: string;
  path: string;
}

function classes(): GeneratedClass[] {
  return PACKAGES.flatMap((pkg) =>
    Array.from({ length: CLASSES_PER_PACKAGE }, (_, i) => {
      const name = `${pkg[0]?.toUpperCase()}${pkg.slice(1)}Part${i}`;
      return { pkg, name, path: join('src', 'com', 'shop', pkg, `${name}.java`) };
    }),
  );
}

function classSource(
  cls: GeneratedClass,
  dependency: GeneratedClass | undefined,
  random: () => number,
): string {
  const weights = Array.from(
    { length: WEIGHTS },
    (_, w) => `    public static final int WEIGHT_${w} = ${1 + Math.floor(random() * 997)};`,
  );
  const dep = dependency ? `com.shop.${dependency.pkg}.${dependency.name}` : 'com.shop.lib.Mix';
  const helpers = Array.from(
    { length: 8 },
    (_, h) => `    private int helper${h}(int x) {
        int y = x ^ (WEIGHT_${h % WEIGHTS} << ${h + 1});
        if ((y & 1) == 0) {
            y += ${dep}.WEIGHT_${(h + 1) % WEIGHTS};
        }
        return com.shop.lib.Mix.mix(y, ${h});
    }
`,
  );
  return `package com.shop.${cls.pkg};

import java.util.ArrayList;
import java.util.List;

/** Generated for the java-complex benchmark app. */
public final class ${cls.name} {
${weights.join('\n')}
    public static final String LABEL = "${cls.pkg}.${cls.name}";

    private final List<Integer> values = new ArrayList<>();

    public ${cls.name}() {
        for (int i = 0; i < 8; i++) {
            values.add(i * WEIGHT_0 + ${dep}.WEIGHT_1);
        }
    }

    public int compute(int seed) {
        int total = seed;
        for (int v : values) {
            total = total * 31 + v;
        }
        total += helper0(total) + helper1(total) + helper2(total) + helper3(total);
        total += helper4(total) + helper5(total) + helper6(total) + helper7(total);
        return total ^ ${dep}.WEIGHT_2;
    }

${helpers.join('\n')}
    public static int value() {
        return new ${cls.name}().compute(WEIGHT_3) + LABEL.length();
    }
}
`;
}

const LIBRARY = {
  'lib/com/shop/lib/Mix.java': `package com.shop.lib;

/** A small library compiled and packaged before the app's code is copied in. */
public final class Mix {
    public static final int WEIGHT_0 = 3;
    public static final int WEIGHT_1 = 5;
    public static final int WEIGHT_2 = 7;
    public static final int WEIGHT_3 = 11;
    public static final int WEIGHT_4 = 13;

    private Mix() {}

    public static int mix(int value, int salt) {
        int h = value * 0x9E3779B1 + salt;
        return h ^ (h >>> 16);
    }
}
`,
};

function mainSource(all: GeneratedClass[]): string {
  return `package com.shop;

/** Sums every generated class's value and prints it with the marker. */
public final class Main {
    public static void main(String[] args) {
        long sum = 0;
${all.map((cls) => `        sum += com.shop.${cls.pkg}.${cls.name}.value();`).join('\n')}
        System.out.println("java-complex " + Marker.MARKER + " checksum=" + sum);
    }
}
`;
}

const DOCKERFILE = [
  'ARG BASE=codeinject-fixtures/jdk:17',
  'FROM ${BASE}',
  'WORKDIR /app',
  // The dependency step: a library built before the app's code is copied in.
  'COPY lib/ ./lib/',
  "RUN javac -d lib-classes $(find lib -name '*.java') && jar cf shop-lib.jar -C lib-classes .",
  'COPY src/ ./src/',
  "RUN javac -cp shop-lib.jar -d classes $(find src -name '*.java') && jar cfe app.jar com.shop.Main -C classes .",
  'CMD ["java", "-cp", "app.jar:shop-lib.jar", "com.shop.Main"]',
  '',
].join('\n');

export function javaComplex(): BenchApp {
  const all = classes();
  return {
    name: 'java-complex',
    imageRoot: '/app',
    compiled: true,
    async write(dir, runId = '') {
      const random = seededRandom(11);
      await writeFile(join(dir, 'Dockerfile'), DOCKERFILE);
      for (const [path, text] of Object.entries(LIBRARY)) {
        await mkdir(join(dir, path, '..'), { recursive: true });
        await writeFile(join(dir, path), text);
      }
      for (const [i, cls] of all.entries()) {
        await mkdir(join(dir, cls.path, '..'), { recursive: true });
        // Each class leans on the one before it, across packages.
        await writeFile(join(dir, cls.path), classSource(cls, all[i - 1], random));
      }
      await writeFile(join(dir, 'src', 'com', 'shop', 'Main.java'), mainSource(all));
      await writeFile(
        join(dir, 'src', 'com', 'shop', 'Marker.java'),
        `package com.shop;\n\npublic final class Marker {\n    public static final String MARKER = "initial${runId}";\n}\n`,
      );
    },
    // The marker (inlined into Main) is one line; the other N-1 are WEIGHT constants spread over
    // the classes, each one inlined by the next class.
    async edit(dir, lines, marker) {
      if (lines - 1 > all.length * WEIGHTS)
        throw new Error(`java-complex has only ${all.length * WEIGHTS + 1} editable lines`);
      const markerPath = join('src', 'com', 'shop', 'Marker.java');
      const markerText = await readFile(join(dir, markerPath), 'utf8');
      await writeFile(join(dir, markerPath), markerText.replace(/MARKER = ".*";/, `MARKER = "${marker}";`));
      const edited = [markerPath];
      const random = seededRandom([...marker].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7));
      for (let i = 0; i < lines - 1; i++) {
        const cls = all[i % all.length] as GeneratedClass;
        const weight = Math.floor(i / all.length) % WEIGHTS;
        const path = join(dir, cls.path);
        const text = await readFile(path, 'utf8');
        const pattern = new RegExp(`WEIGHT_${weight} = \\d+;`);
        const current = Number(/= (\d+);/.exec(pattern.exec(text)?.[0] ?? '')?.[1]);
        // A new value, never the current one: the line must change.
        const value = ((current + 1 + Math.floor(random() * 990)) % 997) + 1;
        await writeFile(
          path,
          text.replace(pattern, `WEIGHT_${weight} = ${value === current ? value + 1 : value};`),
        );
        if (!edited.includes(cls.path)) edited.push(cls.path);
      }
      return edited;
    },
  };
}
