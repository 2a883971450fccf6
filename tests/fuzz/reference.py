#!/usr/bin/env python3
"""reference.py -- weft against an independent explorer written from the language's definition.

usage: reference.py WEFT FIRST COUNT [OPTION...]

For each seed FIRST .. FIRST + COUNT - 1: generate a random model, explore it here by breadth
first search, and check it with 'WEFT check MODEL --json - OPTION...' (default options: -j 1).
The states, transitions, kinds of violation and the number of complete schedules (null when the
graph has a cycle) must be the same, but for what an option changes: under --reduce dead the
states and transitions are not compared (the reduction merges states), under --compact the
schedules (no analysis follows it). Prints each model that differs with both answers; exit
status 1 if any did, 0 if none.

A model has two shared scalars (one maybe with a range), a shared array of two (maybe with a
range), a mutex, a cond, a queue of two (maybe with a range), and two or three threads, some of
them arrays of two instances, with a local (maybe with a range); their statements are
assignments, await, assert, skip, lock/unlock, lock-else, wait/signal/broadcast, put/get with and
without else, if/else-if/else, while and repeat with break and continue, choose, atomic blocks of
all these but wait, and return; their expressions read the variables, array elements at any
index, id, held(m) and len(q), with + - * / % and the comparisons and logical operators. Half
the models have an invariant, half a final, over the shared variables, held(m) and len(q).

The explorer shares nothing with weft but the language (docs/language.md): it runs the syntax tree
it generated, with its own graph of steps (break, continue and return are edges, not steps;
repeat is unrolled), its own interpreter of an atomic block (every path through its choices and
signal targets, the guard, a later statement that blocks, a loop back to a configuration it
had), its own arithmetic (C's truncating division and remainder, short-circuit && and ||), its
own runtime errors (division by zero, an index out of bounds, a value outside a range, an unlock
or wait without the mutex) and its own rules for the mutex, the cond and the queue. So a mistake
in weft's parser, compiler, layout or executor that changes what a model means shows as a
difference, where weft's other fuzzers compare weft with itself (-j 1 against -j 2, breadth first
against depth first). It found that weft ignored a break, continue or return before a thread's
first step, and called a break in 'repeat 0' a model error (both fixed 2026-12-06). Models of
more than MAX_STATES states, or with an atomic block of more than MAX_PATHS paths, are skipped:
Python is slow.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

ARRAY = 2  # elements of the shared array 'a'
QUEUE_CAP = 2
MAX_STATES = 200000
MAX_PATHS = 4096  # paths through one atomic block (choices, signal targets) before giving up
END = -1  # the position of a finished thread
RUNNING, SLEEPING, WOKEN = 0, 1, 2  # a thread's status; a woken one re-takes the mutex


class EvalError(Exception):
    """A runtime error: the step (or the property) fails."""


class TooBig(Exception):
    pass


# ---------- random models: the syntax tree, and its text ----------


class Scope:
    """What an expression may read: in a thread, its locals and id; in a property, neither."""

    def __init__(self, locs, in_thread):
        self.locs, self.in_thread = locs, in_thread


def gen_expr(r, depth, sc):
    """An expression; outside a thread (sc.in_thread false) without locals, id, and array
    indexes but constants."""
    if depth <= 0 or r.random() < 0.35:
        c = r.random()
        if c < 0.3:
            return ('v', r.choice(['s0', 's1']))
        if c < 0.4:
            if not sc.in_thread or depth <= 0:
                return ('a', ('c', r.randint(0, ARRAY - 1)))
            return ('a', ('%', gen_expr(r, depth - 1, sc), ('c', ARRAY)))
        if c < 0.5 and sc.locs:
            return ('l', r.choice(sc.locs))
        if c < 0.55 and sc.in_thread:
            return ('id',)
        if c < 0.6:
            return r.choice([('held',), ('len',)])
        return ('c', r.randint(0, 2))
    op = r.choice(['+', '-', '*', '==', '<', '!=', '&&', '||', '!', 'neg', '%', '/', '%e'])
    if op in ('!', 'neg'):
        return (op, gen_expr(r, depth - 1, sc))
    if op == '%':
        return ('%', gen_expr(r, depth - 1, sc), ('c', r.choice([2, 3, -3])))
    if op == '%e':  # a remainder by an expression, which may be zero
        return ('%', gen_expr(r, depth - 1, sc), gen_expr(r, depth - 1, sc))
    return (op, gen_expr(r, depth - 1, sc), gen_expr(r, depth - 1, sc))


def target(r, sc):
    c = r.random()
    if c < 0.5:
        return ('v', r.choice(['s0', 's1']))
    if c < 0.75 or not sc.locs:
        return ('a', ('%', gen_expr(r, 1, sc), ('c', ARRAY)))
    return ('l', r.choice(sc.locs))


def small(expr):
    """Values kept in -2 .. 2, so that no arithmetic overflows."""
    return ('%', expr, ('c', 3))


def gen_body(r, depth, sc, n, in_loop, in_atomic=False):
    out = []

    def sub(lo, hi, loop=None):
        return gen_body(r, depth - 1, sc, r.randint(lo, hi), in_loop if loop is None else loop,
                        in_atomic)

    for _ in range(n):
        c = r.random()
        if c < 0.30:
            out.append(('assign', target(r, sc), small(gen_expr(r, 2, sc))))
        elif c < 0.38:
            out.append(('await', gen_expr(r, 2, sc)))
        elif c < 0.44:
            out.append(('assert', gen_expr(r, 2, sc)))
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
            out.append(('put', small(gen_expr(r, 1, sc))))
        elif c < 0.77:
            out.append(('get', target(r, sc)))
        elif c < 0.775 and depth > 0:
            out.append(('tryput', small(gen_expr(r, 1, sc)), sub(0, 2)))
        elif c < 0.78 and depth > 0:
            out.append(('tryget', target(r, sc), sub(0, 2)))
        elif c < 0.79:
            out.append(('trylock', sub(0, 2) if depth > 0 else []))
        elif c < 0.86 and depth > 0:
            arms = [(gen_expr(r, 2, sc), sub(0, 2)) for _ in range(r.randint(1, 2))]
            other = sub(0, 2) if r.random() < 0.5 else None
            out.append(('if', arms, other))
        elif c < 0.91 and depth > 0:
            out.append(('while', gen_expr(r, 2, sc), sub(1, 2, True)))
        elif c < 0.94 and depth > 0:
            out.append(('repeat', r.randint(0, 2), sub(1, 2, True)))
        elif c < 0.96 and depth > 0:
            out.append(('choose', [sub(0, 2) for _ in range(r.randint(2, 3))]))
        elif c < 0.97 and depth > 0 and not in_atomic:
            out.append(('atomic', gen_body(r, depth - 1, sc, r.randint(1, 3), in_loop, True)))
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
    if t == 'a':
        return 'a[' + expr_text(e[1]) + ']'
    if t == 'id':
        return 'id'
    if t == 'held':
        return 'held(m)'
    if t == 'len':
        return 'len(q)'
    if t == '!':
        return '!(' + expr_text(e[1]) + ')'
    if t == 'neg':
        return '-(' + expr_text(e[1]) + ')'
    return '(' + expr_text(e[1]) + ' ' + t + ' ' + expr_text(e[2]) + ')'


def block_text(head, body, indent):
    p = '    ' * indent
    return p + head + ' {\n' + body_text(body, indent + 1) + p + '}\n'


def body_text(body, indent):
    s = ''
    p = '    ' * indent
    for st in body:
        t = st[0]
        if t == 'assign':
            s += p + f'{expr_text(st[1])} = {expr_text(st[2])}\n'
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
            s += p + f'get q, {expr_text(st[1])}\n'
        elif t == 'tryput':
            s += block_text(f'put q, {expr_text(st[1])} else', st[2], indent)
        elif t == 'tryget':
            s += block_text(f'get q, {expr_text(st[1])} else', st[2], indent)
        elif t == 'trylock':
            s += block_text('lock m else', st[1], indent)
        elif t == 'if':
            for i, (cond, arm) in enumerate(st[1]):
                s += p + ('if ' if i == 0 else '} else if ') + expr_text(cond) + ' {\n'
                s += body_text(arm, indent + 1)
            if st[2] is not None:
                s += p + '} else {\n' + body_text(st[2], indent + 1)
            s += p + '}\n'
        elif t == 'while':
            s += block_text(f'while {expr_text(st[1])}', st[2], indent)
        elif t == 'repeat':
            s += block_text(f'repeat {st[1]}', st[2], indent)
        elif t == 'atomic':
            s += block_text('atomic', st[1], indent)
        elif t == 'choose':
            s += p + 'choose {\n' + body_text(st[1][0], indent + 1)
            for arm in st[1][1:]:
                s += p + '} or {\n' + body_text(arm, indent + 1)
            s += p + '}\n'
    return s


# ---------- the meaning ----------


def c_div(a, b):
    if b == 0:
        raise EvalError()
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def c_mod(a, b):
    return a - c_div(a, b) * b


class Env:
    """A thread's view while it runs a step: the shared variables (the array's elements as
    'a[0]', 'a[1]'), its locals and id, the mutex's owner, the queue and every thread's status;
    copied for each path through an atomic block."""

    def __init__(self, model, tid, inst, shared, local, owner, queue, statuses):
        self.model, self.tid, self.inst = model, tid, inst
        self.shared, self.local = shared, local
        self.owner, self.queue, self.statuses = owner, queue, statuses
        self.fresh = True  # no step-statement has run yet: the next one is the guard

    def copy(self):
        e = Env(self.model, self.tid, self.inst, dict(self.shared), dict(self.local),
                self.owner, self.queue, list(self.statuses))
        e.fresh = self.fresh
        return e

    def key(self):
        return (tuple(sorted(self.shared.items())), tuple(sorted(self.local.items())),
                self.owner, self.queue, tuple(self.statuses))

    def element(self, idx):
        i = value(idx, self)
        if not 0 <= i < ARRAY:
            raise EvalError()
        return f'a[{i}]'

    def slot(self, tgt):
        """Where an assignment or a get writes: ('l', name) or ('v', name or 'a[i]'), its index
        evaluated now."""
        return tgt if tgt[0] != 'a' else ('v', self.element(tgt[1]))

    def store(self, slot, v):
        lo, hi = self.model.ranges.get(slot[1].split('[')[0], (None, None))
        if lo is not None and not lo <= v <= hi:
            raise EvalError()
        (self.local if slot[0] == 'l' else self.shared)[slot[1]] = v


def value(e, env):
    t = e[0]
    if t == 'c':
        return e[1]
    if t == 'v':
        return env.shared[e[1]]
    if t == 'a':
        return env.shared[env.element(e[1])]
    if t == 'l':
        return env.local[e[1]]
    if t == 'id':
        return env.inst
    if t == 'held':
        return int(env.owner is not None)
    if t == 'len':
        return len(env.queue)
    if t == '!':
        return int(not value(e[1], env))
    if t == 'neg':
        return -value(e[1], env)
    a = value(e[1], env)
    if t == '&&':
        return int(bool(a) and bool(value(e[2], env)))
    if t == '||':
        return int(bool(a) or bool(value(e[2], env)))
    b = value(e[2], env)
    if t == '/':
        return c_div(a, b)
    if t == '%':
        return c_mod(a, b)
    return {'+': lambda: a + b, '-': lambda: a - b, '*': lambda: a * b,
            '==': lambda: int(a == b), '!=': lambda: int(a != b), '<': lambda: int(a < b)}[t]()


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
        if t == 'atomic':  # run by run_list; where its jumps lead out of it
            return self.node({'t': 'atomic', 'body': st[1], 'next': after, 'brk': brk,
                              'cont': cont})
        if t == 'choose':
            return self.node({'t': 'choose',
                              'arms': [self.body(arm, after, brk, cont) for arm in st[1]]})
        return self.node({'t': t, 'st': st, 'next': after})


# ---------- statements: one step, or a statement inside an atomic block ----------


def run_list(stmts, env):
    """Run 'stmts' from 'env' on every path: a list of (how, env) where 'how' is 'next' (fell
    through), 'brk', 'cont', 'ret', or a failure 'assert' / 'error' (env None); None when the
    guard blocks: the block (or the step) is not enabled."""
    results = [('next', env)]
    for st in stmts:
        out = []
        for how, e in results:
            if how != 'next':
                out.append((how, e))
                continue
            got = run_stmt(st, e)
            if got is None:
                return None
            out.extend(got)
        if len(out) > MAX_PATHS:
            raise TooBig()
        results = out
    return results


def blocks_if(is_guard):
    """A statement that cannot go on: not enabled as the guard (the first step-statement of the
    block: break, continue, return and repeat are not steps), else a runtime error."""
    return None if is_guard else [('error', None)]


def run_loop(loop_id, cond, body, env, seen):
    key = (loop_id, env.key())
    if key in seen:  # back to a configuration it had: it would run forever
        return [('error', None)]
    seen = seen | {key}
    try:
        if not value(cond, env):
            return [('next', env)]
    except EvalError:  # this path's test fails; the others go on
        return [('error', None)]
    out = []
    for how, e in run_list(body, env):
        if how in ('next', 'cont'):
            out.extend(run_loop(loop_id, cond, body, e, seen))
        elif how == 'brk':
            out.append(('next', e))
        else:
            out.append((how, e))
        if len(out) > MAX_PATHS:
            raise TooBig()
    return out


def run_stmt(st, env):
    """Every path through statement 'st' from 'env' (see run_list); a runtime error in it is
    the path's end."""
    try:
        return run_stmt_or_raise(st, env)
    except EvalError:
        return [('error', None)]


def run_stmt_or_raise(st, env):
    t = st[0]
    e = env.copy()
    is_step = t not in ('break', 'continue', 'return', 'repeat')
    is_guard = is_step and e.fresh
    if is_step:
        e.fresh = False
    if t == 'assign':
        slot = e.slot(st[1])
        e.store(slot, value(st[2], e))
        return [('next', e)]
    if t == 'await':  # one that cannot be evaluated is enabled, and fails
        return [('next', e)] if value(st[1], e) else blocks_if(is_guard)
    if t == 'assert':
        return [('next', e)] if value(st[1], e) else [('assert', None)]
    if t == 'skip':
        return [('next', e)]
    if t in ('break', 'continue', 'return'):
        return [({'break': 'brk', 'continue': 'cont', 'return': 'ret'}[t], e)]
    if t == 'lock':
        if e.owner is not None:
            return blocks_if(is_guard)
        e.owner = e.tid
        return [('next', e)]
    if t == 'unlock':
        if e.owner != e.tid:
            return [('error', None)]
        e.owner = None
        return [('next', e)]
    # A put's value is evaluated first: one that cannot be makes the step enabled and failing
    # even on a full queue (Python evaluates q.put's argument before it blocks), but its range
    # is checked only as it goes in. A get takes the element first, then evaluates its target's
    # index (Python's a[i] = q.get()): on an empty queue it blocks whatever the target.
    if t in ('put', 'tryput'):
        v = value(st[1], e)
        if len(e.queue) >= QUEUE_CAP:
            return run_list(st[2], e) if t == 'tryput' else blocks_if(is_guard)
        lo, hi = e.model.ranges.get('q', (None, None))
        if lo is not None and not lo <= v <= hi:
            return [('error', None)]
        e.queue = e.queue + (v,)
        return [('next', e)]
    if t in ('get', 'tryget'):
        if not e.queue:
            return run_list(st[2], e) if t == 'tryget' else blocks_if(is_guard)
        v, e.queue = e.queue[0], e.queue[1:]
        e.store(e.slot(st[1]), v)
        return [('next', e)]
    if t == 'trylock':
        if e.owner is not None:
            return run_list(st[1], e)
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
            if value(cond, e):
                return run_list(arm, e)
        return run_list(st[2] or [], e)
    if t == 'while':
        return run_loop(id(st), st[1], st[2], e, frozenset())
    if t == 'repeat':  # N times; a break ends it, a continue goes on to the next time
        live, done = [e], []
        for _ in range(st[1]):
            going = []
            for x in live:
                paths = run_list(st[2], x)
                if paths is None:  # its first statement was the guard
                    return None
                for how, y in paths:
                    if how in ('next', 'cont'):
                        going.append(y)
                    else:
                        done.append(('next' if how == 'brk' else how, y))
            live = going
        return done + [('next', x) for x in live]
    if t == 'choose':
        out = []
        for arm in st[1]:
            out.extend(run_list(arm, e))
        return out
    raise AssertionError('no statement ' + t)


# ---------- the search ----------


class Model:
    def __init__(self):
        self.shared = ['s0', 's1'] + [f'a[{i}]' for i in range(ARRAY)]
        self.ranges = {}  # 's1', 'a', 'l0', 'q': (lo, hi)
        self.threads = []  # (nodes, entry, instance index, locals) of each thread
        self.invariant = self.final = None


def successors(model, state):
    """Every outcome of every thread's next step: (thread, new state), or (thread, KIND) for a
    step that fails: 'assert' (a false assert) or 'error' (a runtime error)."""
    shared_vals, owner, ths, queue = state
    out = []
    for i, (pc, status, local_vals) in enumerate(ths):
        if pc == END or status == SLEEPING:
            continue
        nodes, _, inst, locs = model.threads[i]

        def make(npc, e=None, status=RUNNING, owner=owner):
            ths2 = list(ths)
            ths2[i] = (npc, status, tuple(e.local[x] for x in locs) if e else local_vals)
            if e:
                for j, st in enumerate(e.statuses):
                    if st != ths[j][1]:
                        ths2[j] = (ths2[j][0], st, ths2[j][2])
                return (tuple(e.shared[x] for x in model.shared), e.owner, tuple(ths2), e.queue)
            return (shared_vals, owner, tuple(ths2), queue)

        if status == WOKEN:  # its wait's second half: the mutex again
            if owner is None:
                out.append((i, make(nodes[pc]['next'], owner=i)))
            continue
        env = Env(model, i, inst, dict(zip(model.shared, shared_vals)), dict(zip(locs, local_vals)),
                  owner, queue, [th[1] for th in ths])
        n = nodes[pc]
        t = n['t']
        try:
            if t == 'wait':
                out.append((i, make(pc, status=SLEEPING, owner=None) if owner == i else 'error'))
            elif t in ('tryput', 'tryget', 'trylock'):  # the else-block is the next step
                if t == 'tryput':  # its value first (run_stmt_or_raise)
                    value(n['st'][1], env)
                can = {'tryput': len(queue) < QUEUE_CAP, 'tryget': bool(queue),
                       'trylock': owner is None}[t]
                if not can:
                    out.append((i, make(n['else'])))
                    continue
                how, e = run_stmt(n['st'], env)[0]
                out.append((i, how if e is None else make(n['next'], e)))
            elif t == 'if':
                to = n['else']
                for cond, arm in n['arms']:
                    if value(cond, env):
                        to = arm
                        break
                out.append((i, make(to)))
            elif t == 'while':
                out.append((i, make(n['body'] if value(n['cond'], env) else n['exit'])))
            elif t == 'choose':
                out.extend((i, make(arm)) for arm in n['arms'])
            else:  # a simple statement, or an atomic block
                body = n['body'] if t == 'atomic' else [n['st']]
                for how, e in run_list(body, env) or []:  # None: not enabled
                    if e is None:
                        out.append((i, how))
                    else:
                        to = {'next': n['next'], 'brk': n.get('brk'), 'cont': n.get('cont'),
                              'ret': END}[how]
                        out.append((i, make(to, e)))
        except EvalError:  # a test that cannot be evaluated
            out.append((i, 'error'))
    return out


def property_breaks(model, prop, state):
    """None if 'prop' holds in 'state', else the kind of violation: 'error' if it cannot be
    evaluated, 'invariant' or 'final' (the caller's) if false."""
    env = Env(model, -1, 0, dict(zip(model.shared, state[0])), {}, state[1], state[3], [])
    try:
        return None if value(prop, env) else 'false'
    except EvalError:
        return 'error'


def explore(model):
    """(states, transitions, kinds of violation, schedules as a string or None if cyclic), or
    None past MAX_STATES states or MAX_PATHS paths through an atomic block."""
    init = (tuple(0 for _ in model.shared), None,
            tuple((entry, RUNNING, tuple(0 for _ in locs)) for _, entry, _, locs in
                  model.threads), ())
    seen = {init: 0}
    order = [init]
    edges = []
    kinds = set()
    n_trans = 0

    def check(prop, kind, state):
        if prop is not None:
            bad = property_breaks(model, prop, state)
            if bad:
                kinds.add(kind if bad == 'false' else bad)

    check(model.invariant, 'invariant', init)
    k = 0
    while k < len(order):
        state = order[k]
        k += 1
        try:
            succ = successors(model, state)
        except TooBig:  # an atomic block of too many paths: not compared
            return None
        all_done = all(th[0] == END for th in state[2])
        if all_done:
            check(model.final, 'final', state)
        if not succ and not all_done:
            kinds.add('deadlock')
        out = []
        for _, new in succ:
            n_trans += 1
            if isinstance(new, str):  # a failing step: 'assert' or 'error'
                kinds.add(new)
                out.append(None)
                continue
            if new not in seen:
                seen[new] = len(order)
                order.append(new)
                check(model.invariant, 'invariant', new)
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


def gen_range(r):
    return r.randint(-2, 0), r.randint(0, 2)  # the initial value 0 always fits


def make_model(seed):
    r = random.Random(seed)
    m = Model()
    for name in ('s1', 'a', 'q', 'l0'):  # l0: every thread's
        if r.random() < 0.3:
            m.ranges[name] = gen_range(r)

    def rng(name):
        return ': %d..%d' % m.ranges[name] if name in m.ranges else ''

    src = f'# reference.py seed {seed}\nshared s0 = 0\nshared s1{rng("s1")} = 0\n'
    src += f'shared a[{ARRAY}]{rng("a")} = 0\nmutex m\ncond c\nqueue q[{QUEUE_CAP}]{rng("q")}\n'
    for k in range(r.randint(2, 3)):
        locs = ['l0'] if r.random() < 0.6 else []
        count = 2 if r.random() < 0.3 else 1
        body = gen_body(r, 2, Scope(locs, True), r.randint(2, 5), False)
        g = Graph()
        entry = g.body(body, END, None, None)
        for inst in range(count):
            m.threads.append((g.nodes, entry, inst, locs))
        src += f'thread t{k}' + (f'[{count}]' if count > 1 else '') + ' {\n'
        src += ''.join(f'    local {x}{rng(x)} = 0\n' for x in locs) + body_text(body, 1) + '}\n'
    props = Scope([], False)
    if r.random() < 0.5:
        m.invariant = gen_expr(r, 2, props)
        src += 'invariant ' + expr_text(m.invariant) + '\n'
    if r.random() < 0.5:
        m.final = gen_expr(r, 2, props)
        src += 'final ' + expr_text(m.final) + '\n'
    return src, m


def weft_answer(weft, path, options):
    p = subprocess.run([weft, 'check', path, '--json', '-', '--progress', 'never'] + options,
                       capture_output=True, text=True, timeout=120)
    try:
        m = json.loads(p.stdout)['models'][0]
    except (ValueError, KeyError, IndexError):
        return 'no JSON report (status %d): %s' % (p.returncode, p.stderr[:300])
    if m['statistics'] is None:
        return 'not checked: %s' % m['error']
    st = m['statistics']
    kinds = set(v['kind'] for v in m['violations'])
    schedules = m['analysis']['schedules'] if m['analysis'] else None
    return st['states'], st['transitions'], kinds, schedules


def compared(answer, options):
    """What of an answer (states, transitions, kinds, schedules) 'options' leave comparable."""
    if isinstance(answer, str):  # weft gave no answer
        return answer
    keep = [True, True, True, True]
    if '--reduce' in options:
        keep[0] = keep[1] = False
    if '--compact' in options:
        keep[3] = False
    return tuple(x for x, k in zip(answer, keep) if k)


def main():
    if len(sys.argv) < 4:
        print('usage: reference.py WEFT FIRST COUNT [OPTION...]', file=sys.stderr)
        return 2
    weft, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    options = sys.argv[4:] or ['-j', '1']
    sys.setrecursionlimit(20000)  # run_loop recurses once an iteration of a loop in atomic
    n_bad = n_compared = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'model.weft')
        for seed in range(first, first + count):
            src, model = make_model(seed)
            ref = explore(model)
            if ref is None:
                continue
            with open(path, 'w') as f:
                f.write(src)
            got = compared(weft_answer(weft, path, options), options)
            ref = compared(ref, options)
            n_compared += 1
            if got != ref:
                n_bad += 1
                print(f'reference: seed {seed}: weft {got}, the reference {ref}\n{src}')
    print(f'reference: {n_compared} models compared, {n_bad} differ')
    return 1 if n_bad or n_compared == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
