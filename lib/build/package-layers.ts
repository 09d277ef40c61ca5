/**
 * planPackageLayers: which packages go into which layer, and the order they are unpacked in.
 *
 * Every strategy orders packages by popularity: how many packages of the image depend on
 * them, directly or not (through Depends and Pre-Depends, by name or by what they Provide).
 * A package is always more popular than anything that depends on it, so the order puts
 * dependencies first, as dpkg would unpack them; ties go by name, then architecture.
 *
 * - `single`: one layer for every package.
 * - `per-package`: one layer each.
 * - `grouped` (`max` layers): the `max - 1` most popular packages get a layer each and the
 *   rest share the last one. libc6 and its kind are the most popular packages of any image,
 *   so images built from the same suite share their bottom layers byte for byte (the same
 *   idea as Nix's popularity-contest layering).
 */

/** LayerStrategy is the `layers` setting. */
export type LayerStrategy = { readonly kind: 'single' } | { readonly kind: 'per-package' } | { readonly kind: 'grouped'; readonly max: number };

/** LayeringInput is what layering needs to know of a package. */
export interface LayeringInput {
  readonly name: string;
  readonly architecture: string;
  /** Names in its Depends and Pre-Depends (every alternative), without qualifiers. */
  readonly depends: readonly string[];
  /** Names it Provides. */
  readonly provides: readonly string[];
}

/** PackageLayerPlan: packages (as indices of the input) in unpack order, and each layer's members. */
export interface PackageLayerPlan {
  readonly order: readonly number[];
  /** layers, base first; each lists its packages in unpack order. */
  readonly layers: readonly (readonly number[])[];
}

/** planPackageLayers groups `packages` by `strategy`. */
export function planPackageLayers(packages: readonly LayeringInput[], strategy: LayerStrategy): PackageLayerPlan {
  const popularity = popularityOf(packages);
  const order = [...packages.keys()].sort(
    (a, b) => popularity[b]! - popularity[a]! || cmp(packages[a]!.name, packages[b]!.name) || cmp(packages[a]!.architecture, packages[b]!.architecture),
  );
  if (order.length === 0) return { order, layers: [] };
  switch (strategy.kind) {
    case 'single':
      return { order, layers: [order] };
    case 'per-package':
      return { order, layers: order.map((i) => [i]) };
    case 'grouped': {
      if (order.length <= strategy.max) return { order, layers: order.map((i) => [i]) };
      const own = order.slice(0, strategy.max - 1).map((i) => [i]);
      return { order, layers: [...own, order.slice(strategy.max - 1)] };
    }
  }
}

/** popularityOf counts, for each package, the packages that depend on it directly or transitively. */
function popularityOf(packages: readonly LayeringInput[]): number[] {
  const byName = new Map<string, number[]>();
  const add = (name: string, i: number) => byName.set(name, [...(byName.get(name) ?? []), i]);
  for (const [i, p] of packages.entries()) {
    add(p.name, i);
    for (const v of p.provides) add(v, i);
  }
  const deps = packages.map((p, i) => new Set(p.depends.flatMap((d) => byName.get(d) ?? []).filter((j) => j !== i)));
  const dependents = packages.map(() => new Set<number>());
  // Reverse reachability by a walk from each package: the image sets are small (hundreds).
  for (const i of packages.keys()) {
    const seen = new Set<number>([i]);
    const stack = [...deps[i]!];
    while (stack.length > 0) {
      const j = stack.pop()!;
      if (seen.has(j)) continue;
      seen.add(j);
      dependents[j]!.add(i);
      stack.push(...deps[j]!);
    }
  }
  return dependents.map((s) => s.size);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
