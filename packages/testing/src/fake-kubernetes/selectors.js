/**
 * Whether an object's labels match a label selector in the API's query syntax:
 * `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x,y)`, joined by commas.
 */
export function matchesLabels(object, selector) {
  const labels = object.metadata?.labels ?? {};
  for (const term of splitTerms(selector)) {
    const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (set) {
      const values = set[3].split(',').map((value) => value.trim());
      const has = set[1] in labels && values.includes(labels[set[1]]);
      if (set[2] === 'in' ? !has : has) return false;
      continue;
    }
    const inequality = /^([^!=]+)!=(.*)$/.exec(term);
    if (inequality) {
      if (labels[inequality[1].trim()] === inequality[2].trim()) return false;
      continue;
    }
    const equality = /^([^!=]+)==?(.*)$/.exec(term);
    if (equality) {
      if (labels[equality[1].trim()] !== equality[2].trim()) return false;
      continue;
    }
    if (term.startsWith('!')) {
      if (term.slice(1).trim() in labels) return false;
      continue;
    }
    if (!(term in labels)) return false;
  }
  return true;
}

/** Whether an object matches a field selector (`metadata.name=x,status.phase!=Failed`). */
export function matchesFields(object, selector) {
  for (const term of splitTerms(selector)) {
    const match = /^([^!=]+)(!=|==|=)(.*)$/.exec(term);
    if (!match) return false;
    const value = match[1]
      .trim()
      .split('.')
      .reduce(
        (current, key) => (current === undefined || current === null ? undefined : current[key]),
        object,
      );
    const equal = String(value ?? '') === match[3].trim();
    if (match[2] === '!=' ? equal : !equal) return false;
  }
  return true;
}

function splitTerms(selector) {
  const terms = [];
  let depth = 0;
  let current = '';
  for (const character of selector ?? '') {
    if (character === '(') depth += 1;
    if (character === ')') depth -= 1;
    if (character === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else current += character;
  }
  if (current.trim()) terms.push(current.trim());
  return terms.filter(Boolean);
}

/** Whether labels match a `LabelSelector` object (`matchLabels`, `matchExpressions`). */
export function matchesSelectorObject(labels, selector) {
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {}))
    if (labels?.[key] !== value) return false;
  for (const expression of selector?.matchExpressions ?? []) {
    const present = labels && expression.key in labels;
    const value = labels?.[expression.key];
    if (expression.operator === 'In' && !expression.values?.includes(value)) return false;
    if (expression.operator === 'NotIn' && present && expression.values?.includes(value)) return false;
    if (expression.operator === 'Exists' && !present) return false;
    if (expression.operator === 'DoesNotExist' && present) return false;
  }
  return true;
}
