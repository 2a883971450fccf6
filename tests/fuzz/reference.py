#!/usr/bin/env python3
"""reference.py -- weft against an independent explorer written from the language's definition.

usage: reference.py WEFT FIRST COUNT

For each seed FIRST .. FIRST + COUNT - 1: generate a random model (two to three threads of
assignments, await, assert, skip, lock/unlock, lock-else, wait/signal/broadcast on one mutex and
one cond, put/get on one queue of two, with and without else, if/else-if/else, while and repeat
with break and continue, choose, return, locals; half the time an invariant, half the time a final), explore
it here by breadth first search, and check it with 'WEFT check MODEL -j 1 --json -'. The states,
transitions, kinds of violation and the number of complete schedules (null when the graph has a
cycle) must be the same. Prints each model that differs with both answers; exit status 1 if any
did, 0 if none.

The explorer shares nothing with weft but the language (docs/language.md): it runs the syntax tree
it generated, with its own control flow graph (break, continue and return are edges, not steps),
its own arithmetic (C's truncating division and remainder) and its own rules for the mutex, the
cond and the queue. So a mistake in weft's parser, compiler, layout or executor that changes what a
model means shows as a difference, where weft's other fuzzers compare weft with itself (-j 1
against -j 2, breadth first against depth first). It found that weft ignored a break, continue or
return before a thread's first step (fixed 2026-12-06). Models of more than MAX_STATES states are
skipped: Python is slow.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

SHARED = ['s0', 's1']
QUEUE_CAP = 2
MAX_STATES = 200000
END = -1  # the position of a finished thread

# ---------- random models: the syntax tree, and its text ----------


def gen_expr(r, depth, locs):
    if depth == 0 or r.random() < 0.35:
        c = r.random()
        if c < 0.4:
            return ('v', r.choice(SHARED))
        if c < 0.6 and locs:
            return ('l', r.choice(locs))
        return ('c', r.randint(0, 2))
    op = r.choice(['+', '-', '*', '==', '<', '!=', '&&', '||', '!', 'neg', '%'])
    if op in ('!', 'neg'):
        return (op, gen_expr(r, depth - 1, locs))
    if op == '%':
        return ('%', gen_expr(r, depth - 1, locs), ('c', r.choice([2, 3, -3])))
    return (op, gen_expr(r, depth - 1, locs), gen_expr(r, depth - 1, locs))


def target(r, locs):
    return r.choice([('v', x) for x in SHARED] + [('l', x) for x in locs])


def small(expr):
    """Values kept in -2 .. 2, so that no arithmetic overflows."""
    return ('%', expr, ('c', 3))


def gen_body(r, depth, locs, n, in_loop):
    out = []
    for _ in range(n):
        c = r.random()
        if c < 0.30:
            out.append(('assign', target(r, locs), small(gen_expr(r, 2, locs))))
        elif c < 0.38:
            out.append(('await', gen_expr(r, 2, locs)))
        elif c < 0.44:
            out.append(('assert', gen_expr(r, 2, locs)))
        elif c < 0.48:
            out.append(('skip',))
        elif c < 0.56:
            out.append(('lock',))
        elif c < 0.64:
            out.append(('unlock',))
        elif c < 0.68:
            out.append(('wait',))
        elif c < 0.72:
            out.append(('signal',))
        elif c < 0.74:
            out.append(('broadcast',))
        elif c < 0.745:
            out.append(('return',))
        elif c < 0.76:
            out.append(('put', small(gen_expr(r, 1, locs))))
        elif c < 0.77:
            out.append(('get', target(r, locs)))
        elif c < 0.775 and depth > 0:
            out.append(('tryput', small(gen_expr(r, 1, locs)),
                        gen_body(r, depth - 1, locs, r.randint(0, 2), in_loop)))
        elif c < 0.78 and depth > 0:
            out.append(('tryget', target(r, locs),
                        gen_body(r, depth - 1, locs, r.randint(0, 2), in_loop)))
        elif c < 0.79:
            out.append(('trylock', gen_body(r, depth - 1, locs, r.randint(0, 2), in_loop)
                        if depth > 0 else []))
        elif c < 0.86 and depth > 0:
            arms = [(gen_expr(r, 2, locs), gen_body(r, depth - 1, locs, r.randint(0, 2), in_loop))
                    for _ in range(r.randint(1, 2))]
            other = (gen_body(r, depth - 1, locs, r.randint(0, 2), in_loop)
                     if r.random() < 0.5 else None)
            out.append(('if', arms, other))
        elif c < 0.91 and depth > 0:
            out.append(('while', gen_expr(r, 2, locs),
                        gen_body(r, depth - 1, locs, r.randint(1, 2), True)))
        elif c < 0.94 and depth > 0:
            out.append(('repeat', r.randint(0, 2),
                        gen_body(r, depth - 1, locs, r.randint(1, 2), True)))
        elif c < 0.97 and depth > 0:
            out.append(('choose', [gen_body(r, depth - 1, locs, r.randint(0, 2), in_loop)
                                   for _ in range(r.randint(2, 3))]))
        elif in_loop:
            out.append((r.choice(['break', 'continue']),))
        else:
            out.append(('skip',))
    return out


def expr_text(e):
    t = e[0]
    if t == 'c':
        return str(e[1])
    if t in ('v', 'l'):
        return e[1]
    if t == '!':
        return '!(' + expr_text(e[1]) + ')'
    if t == 'neg':
        return '-(' + expr_text(e[1]) + ')'
    return '(' + expr_text(e[1]) + ' ' + t + ' ' + expr_text(e[2]) + ')'


def body_text(body, indent):
    s = ''
    p = '    ' * indent
    for st in body:
        t = st[0]
        if t == 'assign':
            s += p + f'{st[1][1]} = {expr_text(st[2])}\n'
        elif t in ('await', 'assert'):
            s += p + f'{t} {expr_text(st[1])}\n'
        elif t in ('skip', 'break', 'continue', 'return'):
            s += p + t + '\n'
        elif t in ('lock', 'unlock'):
            s += p + t + ' m\n'
        elif t == 'wait':
            s += p + 'wait c, m\n'
        elif t in ('signal', 'broadcast'):
            s += p + t + ' c\n'
        elif t == 'put':
            s += p + f'put q, {expr_text(st[1])}\n'
        elif t == 'get':
            s += p + f'get q, {st[1][1]}\n'
        elif t == 'tryput':
            s += p + f'put q, {expr_text(st[1])} else {{\n' + body_text(st[2], indent + 1) + p + '}\n'
        elif t == 'tryget':
            s += p + f'get q, {st[1][1]} else {{\n' + body_text(st[2], indent + 1) + p + '}\n'
        elif t == 'trylock':
            s += p + 'lock m else {\n' + body_text(st[1], indent + 1) + p + '}\n'
        elif t == 'if':
            for i, (cond, arm) in enumerate(st[1]):
                s += p + ('if ' if i == 0 else '} else if ') + expr_text(cond) + ' {\n'
                s += body_text(arm, indent + 1)
            if st[2] is not None:
                s += p + '} else {\n' + body_text(st[2], indent + 1)
            s += p + '}\n'
        elif t == 'while':
            s += p + f'while {expr_text(st[1])} {{\n' + body_text(st[2], indent + 1) + p + '}\n'
        elif t == 'repeat':
            s += p + f'repeat {st[1]} {{\n' + body_text(st[2], indent + 1) + p + '}\n'
        elif t == 'choose':
            s += p + 'choose {\n' + body_text(st[1][0], indent + 1)
            for arm in st[1][1:]:
                s += p + '} or {\n' + body_text(arm, indent + 1)
            s += p + '}\n'
    return s


# ---------- the meaning: C arithmetic, a control flow graph of steps ----------


def c_div(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def c_mod(a, b):
    return a - c_div(a, b) * b


def value(e, shared, local):
    t = e[0]
    if t == 'c':
        return e[1]
    if t == 'v':
        return shared[e[1]]
    if t == 'l':
        return local[e[1]]
    if t == '!':
        return int(not value(e[1], shared, local))
    if t == 'neg':
        return -value(e[1], shared, local)
    a = value(e[1], shared, local)
    if t == '&&':
        return int(bool(a) and bool(value(e[2], shared, local)))
    if t == '||':
        return int(bool(a) or bool(value(e[2], shared, local)))
    b = value(e[2], shared, local)
    return {'+': lambda: a + b, '-': lambda: a - b, '*': lambda: a * b,
            '%': lambda: c_mod(a, b), '==': lambda: int(a == b), '!=': lambda: int(a != b),
            '<': lambda: int(a < b)}[t]()


class Graph:
    """One thread's steps: nodes, each a step with where it leads; break, continue and return
    are not nodes but the targets that statements before them lead to."""

    def __init__(self):
        self.nodes = []

    def node(self, n):
        self.nodes.append(n)
        return len(self.nodes) - 1

    def body(self, body, after, brk, cont):
        """The entry of 'body' when what follows it is 'after'."""
        entry = after
        for st in reversed(body):
            entry = self.stmt(st, entry, brk, cont)
        return entry

    def stmt(self, st, after, brk, cont):
        t = st[0]
        if t == 'break':
            return brk
        if t == 'continue':
            return cont
        if t == 'return':
            return END
        if t in ('tryput', 'tryget', 'trylock'):
            other = self.body(st[-1], after, brk, cont)
            return self.node({'t': t, 'st': st, 'next': after, 'else': other})
        if t == 'if':
            arms = [(cond, self.body(arm, after, brk, cont)) for cond, arm in st[1]]
            other = self.body(st[2], after, brk, cont) if st[2] is not None else after
            return self.node({'t': 'if', 'arms': arms, 'else': other})
        if t == 'while':
            n = self.node({'t': 'while', 'cond': st[1], 'exit': after})
            self.nodes[n]['body'] = self.body(st[2], n, after, n)
            return n
        if t == 'repeat':  # unrolled: each iteration's continue leads to the next one
            entry = after
            for _ in range(st[1]):
                entry = self.body(st[2], entry, after, entry)
            return entry
        if t == 'choose':
            return self.node({'t': 'choose',
                              'arms': [self.body(arm, after, brk, cont) for arm in st[1]]})
        return self.node({'t': t, 'st': st, 'next': after})


RUNNING, SLEEPING, WOKEN = 0, 1, 2  # a thread's status; a woken one re-takes the mutex


def successors(threads, state):
    """Every outcome of every thread's next step: (thread, new state), or (thread, None) for a
    step that fails (a false assert, an unlock or wait without the mutex)."""
    shared_vals, owner, ths, queue = state
    out = []
    for i, (pc, status, local_vals) in enumerate(ths):
        if pc == END or status == SLEEPING:
            continue
        nodes, locs = threads[i]

        def make(npc, status=RUNNING, owner=owner, shared=None, local=None, wake=(), queue=queue):
            ths2 = list(ths)
            ths2[i] = (npc, status, tuple(local[x] for x in locs) if local else local_vals)
            for w in wake:
                ths2[w] = (ths2[w][0], WOKEN, ths2[w][2])
            sv = tuple(shared[x] for x in SHARED) if shared else shared_vals
            return (sv, owner, tuple(ths2), queue)

        if status == WOKEN:  # its wait's second half: the mutex again
            if owner is None:
                out.append((i, make(nodes[pc]['next'], owner=i)))
            continue
        shared = dict(zip(SHARED, shared_vals))
        local = dict(zip(locs, local_vals))
        n = nodes[pc]
        t = n['t']
        if t == 'assign':
            v = value(n['st'][2], shared, local)
            (shared if n['st'][1][0] == 'v' else local)[n['st'][1][1]] = v
            out.append((i, make(n['next'], shared=shared, local=local)))
        elif t == 'await':
            if value(n['st'][1], shared, local):
                out.append((i, make(n['next'])))
        elif t == 'assert':
            out.append((i, make(n['next']) if value(n['st'][1], shared, local) else None))
        elif t == 'skip':
            out.append((i, make(n['next'])))
        elif t in ('put', 'tryput'):
            if len(queue) < QUEUE_CAP:
                v = value(n['st'][1], shared, local)
                out.append((i, make(n['next'], queue=queue + (v,))))
            elif t == 'tryput':
                out.append((i, make(n['else'])))
        elif t in ('get', 'tryget'):
            if queue:
                (shared if n['st'][1][0] == 'v' else local)[n['st'][1][1]] = queue[0]
                out.append((i, make(n['next'], shared=shared, local=local, queue=queue[1:])))
            elif t == 'tryget':
                out.append((i, make(n['else'])))
        elif t == 'lock':
            if owner is None:
                out.append((i, make(n['next'], owner=i)))
        elif t == 'trylock':
            out.append((i, make(n['next'], owner=i) if owner is None else make(n['else'])))
        elif t == 'unlock':
            out.append((i, make(n['next'], owner=None) if owner == i else None))
        elif t == 'wait':
            out.append((i, make(pc, SLEEPING, owner=None) if owner == i else None))
        elif t in ('signal', 'broadcast'):
            sleepers = [j for j, th in enumerate(ths) if th[1] == SLEEPING]
            if not sleepers:
                out.append((i, make(n['next'])))
            elif t == 'broadcast':
                out.append((i, make(n['next'], wake=sleepers)))
            else:
                out.extend((i, make(n['next'], wake=[j])) for j in sleepers)
        elif t == 'if':
            to = n['else']
            for cond, arm in n['arms']:
                if value(cond, shared, local):
                    to = arm
                    break
            out.append((i, make(to)))
        elif t == 'while':
            out.append((i, make(n['body'] if value(n['cond'], shared, local) else n['exit'])))
        elif t == 'choose':
            out.extend((i, make(arm)) for arm in n['arms'])
    return out


def explore(threads, entries, invariant, final):
    """(states, transitions, kinds of violation, schedules as a string or None if cyclic), or
    None past MAX_STATES."""
    init = (tuple(0 for _ in SHARED), None,
            tuple((entries[i], RUNNING, tuple(0 for _ in locs)) for i, (_, locs) in
                  enumerate(threads)), ())
    seen = {init: 0}
    order = [init]
    edges = []
    kinds = set()
    n_trans = 0

    def shared_of(state):
        return dict(zip(SHARED, state[0]))

    if invariant is not None and not value(invariant, shared_of(init), {}):
        kinds.add('invariant')
    k = 0
    while k < len(order):
        state = order[k]
        k += 1
        succ = successors(threads, state)
        all_done = all(th[0] == END for th in state[2])
        if all_done and final is not None and not value(final, shared_of(state), {}):
            kinds.add('final')
        if not succ and not all_done:
            kinds.add('deadlock')
        out = []
        for tid, new in succ:
            n_trans += 1
            if new is None:
                failed = threads[tid][0][state[2][tid][0]]['t']
                kinds.add('assert' if failed == 'assert' else 'error')
                out.append(None)
                continue
            if new not in seen:
                seen[new] = len(order)
                order.append(new)
                if invariant is not None and not value(invariant, shared_of(new), {}):
                    kinds.add('invariant')
                if len(order) > MAX_STATES:
                    return None
            out.append(seen[new])
        edges.append(out)
    # schedules: paths from the start to a state without steps or to a failing step
    count = [None] * len(order)
    colour = [0] * len(order)  # 0 new, 1 on the path, 2 done
    stack = [(0, 0)]
    colour[0] = 1
    while stack:
        u, j = stack[-1]
        if j < len(edges[u]):
            stack[-1] = (u, j + 1)
            w = edges[u][j]
            if w is None or colour[w] == 2:
                continue
            if colour[w] == 1:
                return len(order), n_trans, kinds, None
            colour[w] = 1
            stack.append((w, 0))
            continue
        stack.pop()
        colour[u] = 2
        count[u] = sum(1 if w is None else count[w] for w in edges[u]) if edges[u] else 1
    return len(order), n_trans, kinds, str(count[0])


def make_model(seed):
    r = random.Random(seed)
    threads, entries = [], []
    src = f'# reference.py seed {seed}\nshared s0 = 0\nshared s1 = 0\nmutex m\ncond c\n'
    src += f'queue q[{QUEUE_CAP}]\n'
    for i in range(r.randint(2, 3)):
        locs = ['l0'] if r.random() < 0.6 else []
        body = gen_body(r, 2, locs, r.randint(2, 5), False)
        g = Graph()
        entries.append(g.body(body, END, None, None))
        threads.append((g.nodes, locs))
        src += f'thread t{i} {{\n' + ''.join(f'    local {x} = 0\n' for x in locs)
        src += body_text(body, 1) + '}\n'
    invariant = gen_expr(r, 2, []) if r.random() < 0.5 else None
    final = gen_expr(r, 2, []) if r.random() < 0.5 else None
    if invariant:
        src += 'invariant ' + expr_text(invariant) + '\n'
    if final:
        src += 'final ' + expr_text(final) + '\n'
    return src, threads, entries, invariant, final


def weft_answer(weft, path):
    p = subprocess.run([weft, 'check', path, '-j', '1', '--json', '-', '--progress', 'never'],
                       capture_output=True, text=True, timeout=120)
    try:
        m = json.loads(p.stdout)['models'][0]
    except (ValueError, KeyError, IndexError):
        return 'no JSON report (status %d): %s' % (p.returncode, p.stderr[:300])
    if m['statistics'] is None:
        return 'not checked: %s' % m['error']
    st = m['statistics']
    kinds = set(v['kind'] for v in m['violations'])
    return st['states'], st['transitions'], kinds, m['analysis']['schedules']


def main():
    if len(sys.argv) != 4:
        print('usage: reference.py WEFT FIRST COUNT', file=sys.stderr)
        return 2
    weft, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    n_bad = n_compared = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'model.weft')
        for seed in range(first, first + count):
            src, threads, entries, invariant, final = make_model(seed)
            ref = explore(threads, entries, invariant, final)
            if ref is None:
                continue
            with open(path, 'w') as f:
                f.write(src)
            got = weft_answer(weft, path)
            n_compared += 1
            if got != ref:
                n_bad += 1
                print(f'reference: seed {seed}: weft {got}, the reference {ref}\n{src}')
    print(f'reference: {n_compared} models compared, {n_bad} differ')
    return 1 if n_bad or n_compared == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
