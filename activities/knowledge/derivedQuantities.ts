import type { MathNode } from 'mathjs' with { 'resolution-mode': 'require' };

/**
 * Derived quantities are graph data: a `Parameter` may carry a formula over other parameters (power =
 * torque x speed x 2 pi / 60). Formulas are evaluated with mathjs's expression parser - never `eval` -
 * in an instance stripped of the functions that could reach outside the formula, and a formula may name
 * only the parameters it is given, the constants `pi` and `e`, and plain math functions.
 *
 * mathjs is loaded on first use (it takes ~0.4 s and ~70 MB to load, which `forge parse` and the CLI need not
 * pay). It ships CommonJS (lib/cjs, its "require" export) in a package marked "type": "module", whose one
 * set of types TypeScript reads as ESM: the CommonJS build is loaded, typed by those declarations.
 */
let formulaParser: ((formula: string) => MathNode) | null = null;

function parse(formula: string): MathNode {
  if (!formulaParser) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { all, create } = require('mathjs') as typeof import('mathjs', { with: { 'resolution-mode': 'require' }});
    const math = create(all);
    const own = math.parse; // kept for our own use before formulas lose it (the mathjs security guide's recipe)
    const refuse = (name: string) => () => {
      throw new Error(`${name} is not available in formulas`);
    };
    math.import(
      {
        import: refuse('import'),
        createUnit: refuse('createUnit'),
        evaluate: refuse('evaluate'),
        parse: refuse('parse'),
        simplify: refuse('simplify'),
        derivative: refuse('derivative'),
        compile: refuse('compile'),
      },
      { override: true },
    );
    formulaParser = own;
  }
  return formulaParser(formula);
}

const FUNCTIONS = new Set([
  'abs',
  'sqrt',
  'cbrt',
  'exp',
  'log',
  'log10',
  'log2',
  'pow',
  'min',
  'max',
  'sin',
  'cos',
  'tan',
  'atan2',
  'floor',
  'ceil',
  'round',
  'sign',
  'hypot',
]);
const CONSTANTS = new Set(['pi', 'e']);

export interface Formula {
  id: string;
  formula: string;
}
export interface CompiledFormula {
  id: string;
  inputs: string[];
  evaluate: (scope: Record<string, number>) => number;
}

/** Parse and check a formula: the names it reads, or an error naming what is not allowed. */
export function formulaInputs(f: Formula): string[] {
  return [...checked(f).inputs].sort();
}

function checked(f: Formula): { node: MathNode; inputs: Set<string> } {
  let node: MathNode;
  try {
    node = parse(f.formula);
  } catch (e) {
    throw new Error(`formula of ${f.id} ("${f.formula}") does not parse: ${(e as Error).message}`);
  }
  const inputs = new Set<string>();
  node.traverse((n, _path, parent) => {
    if (n.type === 'FunctionNode') {
      const name = (n as unknown as { fn: { name?: string } }).fn.name ?? '';
      if (!FUNCTIONS.has(name))
        throw new Error(
          `formula ` +
            `of ${f.id} ("${f.formula}") calls ${name || 'an expression'}: only ${[...FUNCTIONS].join(', ')}` +
            ` are allowed`,
        );
    } else if (
      n.type === 'SymbolNode' &&
      !(parent?.type === 'FunctionNode' && (parent as unknown as { fn: MathNode }).fn === n)
    ) {
      const name = (n as unknown as { name: string }).name;
      if (!CONSTANTS.has(name)) inputs.add(name);
    } else if (!['OperatorNode', 'ConstantNode', 'ParenthesisNode', 'SymbolNode'].includes(n.type)) {
      throw new Error(`formula of ${f.id} ("${f.formula}") uses ${n.type}: only arithmetic over parameters is allowed`);
    }
  });
  return { node, inputs };
}

/** Parse and check a formula against the parameters there are: the parameters it reads and how to evaluate it. */
export function compileFormula(f: Formula, known: ReadonlySet<string>): CompiledFormula {
  const { node, inputs } = checked(f);
  for (const name of inputs)
    if (!known.has(name))
      throw new Error(`formula of ${f.id} ("${f.formula}") reads "${name}", which is not a parameter`);
  const code = node.compile();
  return {
    id: f.id,
    inputs: [...inputs].sort(),
    evaluate: (scope) => {
      const v: unknown = code.evaluate({ ...scope });
      return typeof v === 'number' ? v : NaN;
    },
  };
}

/**
 * Derived columns for rows by column: `columns[name][i]`. Formulas may build on one another (in any
 * order); a row missing an input gets NaN. A cycle or an unknown name is an error.
 */
export function deriveColumns(
  columns: Record<string, ArrayLike<number>>,
  formulas: readonly Formula[],
): Record<string, Float64Array> {
  const known = new Set([...Object.keys(columns), ...formulas.map((f) => f.id)]);
  const compiled = formulas.map((f) => compileFormula(f, known));
  const out: Record<string, Float64Array> = {};
  const n = Object.values(columns)[0]?.length ?? 0;
  const pending = [...compiled];
  while (pending.length) {
    const k = pending.findIndex((c) => c.inputs.every((i) => i in columns || i in out));
    if (k < 0) throw new Error(`formulas of ${pending.map((c) => c.id).join(', ')} depend on one another in a cycle`);
    const c = pending.splice(k, 1)[0];
    const col = new Float64Array(n);
    const inputs = c.inputs.map((name) => [name, columns[name] ?? out[name]] as const);
    const scope: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      let missing = false;
      for (const [name, values] of inputs) {
        scope[name] = values[i];
        if (!Number.isFinite(values[i])) missing = true;
      }
      col[i] = missing ? NaN : c.evaluate(scope);
    }
    out[c.id] = col;
  }
  return out;
}
