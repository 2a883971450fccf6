#!/usr/bin/env python3
"""reference.py -- weft against an independent explorer written from the language's definition.

usage: reference.py WEFT FIRST COUNT

For each seed FIRST .. FIRST + COUNT - 1: generate a random model (two to three threads of
assignments, await, assert, skip, lock/unlock, lock-else, wait/signal/broadcast on one mutex and
one cond, put/get on one queue of two, with and without else, if/else-if/else, while and repeat
with break and continue, choose, atomic blocks of all these but wait, return, locals; half the
time an invariant, half the time a final), explore it here by breadth first search, and check it
with 'WEFT check MODEL -j 1 --json -'. The states, transitions, kinds of violation and the number
of complete schedules (null when the graph has a cycle) must be the same. Prints each model that
differs with both answers; exit status 1 if any did, 0 if none.

The explorer shares nothing with weft but the language (docs/language.md): it runs the syntax tree
it generated, with its own graph of steps (break, continue and return are edges, not steps;
repeat is unrolled), its own interpreter of an atomic block (every path through its choices and
signal targets, the guard, a later statement that blocks, a loop back to a configuration it
had), its own arithmetic (C's truncating division and remainder) and its own rules for the
mutex, the cond and the queue. So a mistake in weft's parser, compiler, layout or executor that
changes what a model means shows as a difference, where weft's other fuzzers compare weft with
itself (-j 1 against -j 2, breadth first against depth first). It found that weft ignored a
break, continue or return before a thread's first step, and called a break in 'repeat 0' a model
error (both fixed 2026-12-06). Models of more than MAX_STATES states, or with an atomic block of
more than MAX_PATHS paths, are skipped: Python is slow.
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


def gen_body(r, depth, locs, n, in_loop, in_atomic=False):
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
            out.append(('skip',) if in_atomic else ('wait',))  # a model error in atomic
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
                        gen_body(r, depth - 1, locs, r.randint(0, 2), in_loop, in_atomic)))
        elif c < 0.78 and depth > 0:
            out.append(('tryget', target(r, locs),
                        gen_body(r, depth - 1, locs, r.randint(0, 2), in_loop, in_atomic)))
        elif c < 0.79:
            out.append(('trylock', gen_body(r, depth - 1, locs, r.randint(0, 2), in_loop, in_atomic)
                        if depth > 0 else []))
        elif c < 0.86 and depth > 0:
            arms = [(gen_expr(r, 2, locs), gen_body(r, depth - 1, locs, r.randint(0, 2), in_loop, in_atomic))
                    for _ in range(r.randint(1, 2))]
            other = (gen_body(r, depth - 1, locs, r.randint(0, 2), in_loop, in_atomic)
                     if r.random() < 0.5 else None)
            out.append(('if', arms, other))
        elif c < 0.91 and depth > 0:
            out.append(('while', gen_expr(r, 2, locs),
                        gen_body(r, depth - 1, locs, r.randint(1, 2), True, in_atomic)))
        elif c < 0.94 and depth > 0:
            out.append(('repeat', r.randint(0, 2),
                        gen_body(r, depth - 1, locs, r.randint(1, 2), True, in_atomic)))
        elif c < 0.96 and depth > 0:
            out.append(('choose', [gen_body(r, depth - 1, locs, r.randint(0, 2), in_loop, in_atomic)
                                   for _ in range(r.randint(2, 3))]))
        elif c < 0.97 and depth > 0 and not in_atomic:
            out.append(('atomic', gen_body(r, depth - 1, locs, r.randint(1, 3), in_loop, True)))
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
        elif t == 'atomic':
            s += p + 'atomic {\n' + body_text(st[1], indent + 1) + p + '}\n'
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
        if t == 'atomic':  # run by run_atomic; where its jumps lead out of it
            return self.node({'t': 'atomic', 'body': st[1], 'next': after, 'brk': brk,
                              'cont': cont})
        if t == 'choose':
            return self.node({'t': 'choose',
                              'arms': [self.body(arm, after, brk, cont) for arm in st[1]]})
        return self.node({'t': t, 'st': st, 'next': after})


RUNNING, SLEEPING, WOKEN = 0, 1, 2  # a thread's status; a woken one re-takes the mutex

# ---------- an atomic block: its statements run within one step ----------

MAX_PATHS = 4096  # paths through one atomic block (choices, signal targets) before giving up


class TooBig(Exception):
    pass


class Env:
    """What a statement inside an atomic block may read and change, copied for each path."""

    def __init__(self, tid, shared, local, owner, queue, statuses):
        self.tid, self.shared, self.local = tid, shared, local
        self.owner, self.queue, self.statuses = owner, queue, statuses

    def copy(self):
        return Env(self.tid, dict(self.shared), dict(self.local), self.owner, self.queue,
                   list(self.statuses))

    def key(self):
        return (tuple(sorted(self.shared.items())), tuple(sorted(self.local.items())),
                self.owner, self.queue, tuple(self.statuses))

    def set(self, tgt, v):
        (self.shared if tgt[0] == 'v' else self.local)[tgt[1]] = v


def run_list(stmts, env, is_guard):
    """Run 'stmts' from 'env' on every path: a list of (how, env) where 'how' is 'next' (fell
    through), 'brk', 'cont', 'ret', or a failure 'assert' / 'error' (env None); None when the
    first statement is the block's guard and blocks: the block is not enabled."""
    results = [('next', env)]
    for idx, st in enumerate(stmts):
        out = []
        for how, e in results:
            if how != 'next':
                out.append((how, e))
                continue
            got = run_stmt(st, e, is_guard and idx == 0)
            if got is None:
                return None
            out.extend(got)
        if len(out) > MAX_PATHS:
            raise TooBig()
        results = out
    return results


def blocks(env, is_guard):
    """A statement that cannot go on: not enabled as the guard, else a runtime error."""
    return None if is_guard else [('error', None)]


def run_loop(loop_id, cond, body, env, seen):
    key = (loop_id, env.key())
    if key in seen:  # back to a configuration it had: it would run forever
        return [('error', None)]
    seen = seen | {key}
    if not value(cond, env.shared, env.local):
        return [('next', env)]
    out = []
    for how, e in run_list(body, env, False):
        if how in ('next', 'cont'):
            out.extend(run_loop(loop_id, cond, body, e, seen))
        elif how == 'brk':
            out.append(('next', e))
        else:
            out.append((how, e))
        if len(out) > MAX_PATHS:
            raise TooBig()
    return out


def run_stmt(st, env, is_guard):
    t = st[0]
    e = env.copy()
    if t == 'assign':
        e.set(st[1], value(st[2], e.shared, e.local))
        return [('next', e)]
    if t == 'await':
        return [('next', e)] if value(st[1], e.shared, e.local) else blocks(e, is_guard)
    if t == 'assert':
        return [('next', e)] if value(st[1], e.shared, e.local) else [('assert', None)]
    if t == 'skip':
        return [('next', e)]
    if t in ('break', 'continue', 'return'):
        return [({'break': 'brk', 'continue': 'cont', 'return': 'ret'}[t], e)]
    if t == 'lock':
        if e.owner is not None:
            return blocks(e, is_guard)
        e.owner = e.tid
        return [('next', e)]
    if t == 'unlock':
        if e.owner != e.tid:
            return [('error', None)]
        e.owner = None
        return [('next', e)]
    if t in ('put', 'get'):
        if (len(e.queue) >= QUEUE_CAP) if t == 'put' else not e.queue:
            return blocks(e, is_guard)
        if t == 'put':
            e.queue = e.queue + (value(st[1], e.shared, e.local),)
        else:
            e.set(st[1], e.queue[0])
            e.queue = e.queue[1:]
        return [('next', e)]
    if t in ('tryput', 'tryget', 'trylock'):
        can = {'tryput': len(e.queue) < QUEUE_CAP, 'tryget': bool(e.queue),
               'trylock': e.owner is None}[t]
        if not can:
            return run_list(st[-1], e, False)
        if t == 'tryput':
            e.queue = e.queue + (value(st[1], e.shared, e.local),)
        elif t == 'tryget':
            e.set(st[1], e.queue[0])
            e.queue = e.queue[1:]
        else:
            e.owner = e.tid
        return [('next', e)]
    if t in ('signal', 'broadcast'):
        sleepers = [j for j, status in enumerate(e.statuses) if status == SLEEPING]
        if not sleepers:
            return [('next', e)]
        out = []
        for wake in ([sleepers] if t == 'broadcast' else [[j] for j in sleepers]):
            w = e.copy()
            for j in wake:
                w.statuses[j] = WOKEN
            out.append(('next', w))
        return out
    if t == 'if':
        for cond, arm in st[1]:
            if value(cond, e.shared, e.local):
                return run_list(arm, e, False)
        return run_list(st[2] or [], e, False)
    if t == 'while':
        return run_loop(id(st), st[1], st[2], e, frozenset())
    if t == 'repeat':  # N times; a break ends it, a continue goes on to the next time
        live, done = [e], []
        for _ in range(st[1]):
            going = []
            for x in live:
                for how, y in run_list(st[2], x, False):
                    if how in ('next', 'cont'):
                        going.append(y)
                    else:
                        done.append(('next' if how == 'brk' else how, y))
            live = going
        return done + [('next', x) for x in live]
    if t == 'choose':
        out = []
        for arm in st[1]:
            out.extend(run_list(arm, e, False))
        return out
    raise AssertionError('no statement ' + t)
  # a thread's status; a woken one re-takes the mutex


def successors(threads, state):
    """Every outcome of every thread's next step: (thread, new state), or (thread, KIND) for a
    step that fails: 'assert' (a false assert), 'error' (a runtime error: an unlock or wait
    without the mutex; in an atomic block also a statement after the guard that blocks, or a
    loop back to a configuration it had)."""
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
            out.append((i, make(n['next']) if value(n['st'][1], shared, local) else 'assert'))
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
            out.append((i, make(n['next'], owner=None) if owner == i else 'error'))
        elif t == 'wait':
            out.append((i, make(pc, SLEEPING, owner=None) if owner == i else 'error'))
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
        elif t == 'atomic':
            env = Env(i, shared, local, owner, queue, [th[1] for th in ths])
            paths = run_list(n['body'], env, True)
            for how, e in paths or []:  # None: its guard blocks
                if how in ('assert', 'error'):
                    out.append((i, how))
                    continue
                to = {'next': n['next'], 'brk': n['brk'], 'cont': n['cont'], 'ret': END}[how]
                woken = [j for j, status in enumerate(e.statuses) if status != ths[j][1]]
                out.append((i, make(to, owner=e.owner, shared=e.shared, local=e.local,
                                    wake=woken, queue=e.queue)))
    return out


def explore(threads, entries, invariant, final):
    """(states, transitions, kinds of violation, schedules as a string or None if cyclic), or
    None past MAX_STATES states or MAX_PATHS paths through an atomic block."""
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
        try:
            succ = successors(threads, state)
        except TooBig:  # an atomic block of too many paths: not compared
            return None
        all_done = all(th[0] == END for th in state[2])
        if all_done and final is not None and not value(final, shared_of(state), {}):
            kinds.add('final')
        if not succ and not all_done:
            kinds.add('deadlock')
        out = []
        for tid, new in succ:
            n_trans += 1
            if isinstance(new, str):  # a failing step: 'assert' or 'error'
                kinds.add(new)
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
    sys.setrecursionlimit(20000)  # run_loop recurses once an iteration of a loop in atomic
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
