#!/usr/bin/env python3
"""reference.py -- weft against an independent explorer written from the language's definition.

usage: reference.py WEFT FIRST COUNT [OPTION...]
       reference.py WEFT FIRST COUNT --simulate [--no-deadlock]
       reference.py WEFT FIRST COUNT --graph [OPTION...]
       reference.py WEFT FIRST COUNT --replay

For each seed FIRST .. FIRST + COUNT - 1: generate a random model, explore it here by breadth first
search, and check it with 'WEFT check MODEL --json - OPTION...' (default options: -j 1). These must
be the same: the states, transitions, depth and end states; every violation (an invariant or final
by its line, with its label; an assert or runtime error by the line of the statement that failed,
inside an atomic block the statement inside it; an error evaluating a property by the property's
line; the deadlock), in the order the search finds them (a state's invariants as it is found, its
finals and whether it deadlocks as it is expanded, a failing step as it is taken), each with its
shortest schedule step by step (thread and outcome: the tie-break rule) and its preemptions; each
violation's schedule as weft's JSON shows it, run here step by step (replay()): each step one its
thread can take, its thread, line, label and whether it preempts, what it changed (the text report's
last column: changes()), the state after it (the shared variables, the mutexes' owners, the queues,
and each thread's status, line, label and locals: every field of the JSON state but the statement's
text), a failing step's line, and the schedule ending where its violation shows, with the values
weft gives of an invariant's or final's terms there (prop_terms()); the violating states; the
numbers of complete and of violating schedules (null when the graph has a cycle); the outcomes (the
end states grouped by the values of s0 and s1, or of the model's own --outcomes terms: whether one
breaks a property, how many end states, how many schedules end in them and how many of those
violate); with a final, the states no schedule can end from; and, after a whole search, the
statements it never ran, each with why: never reached, always blocked, never woken (never_run());
each violation's description (viol_text(): the property's text and its terms' values); and, from the
text report weft writes beside the JSON, a deadlock's 'blocked:' lines, each unfinished thread with
why it cannot move (blocked()), the line under a violated final's schedule, in how many end states
it fails by its terms' values (final_fails()), and where the first state that runs forever is: its
depth and where each thread stands; and --junit's test cases in order, each passed, skipped or
failed with its kind, a final's note that some states never end (junit_cases()); the text report's
lines on every schedule (analysis_text(): the outcomes, each term's values, the schedules and each
outcome's); the exit status with the summary line (summary()); and the file of --trace: the first
violation's schedule and violation, and 'weft replay' of it, which must print what the reference
says of it (replay_expected(), below) and confirm it (traced_differs()); and the pictures of
--trace-dot DIR/, one a violation, each named by its number, kind and label or line, each row of
each as docs/graphs.md says from the schedule run here: the title (the description, what the
schedule is, its steps and preemptions), a column a thread tinted by its template, the moving
thread's label, line and the locals it wrote, its preemption, a lifeline for each thread alive, and
the shared variables, mutexes and queues after the step, those it wrote in bold; the last row red
(pictures_differ()). An option leaves out what it changes: under --reduce dead the counts of states
and the depth, the outcomes' end states among them (the reduction merges states; the schedules
stay), under --compact the analysis (schedules, end and violating states, outcomes), under --dfs the
violations' order and schedules (they are not the shortest) and the depth; and the reference follows
--no-deadlock (a state where no thread can move is then no violation), --max-preemptions N (its
state is then a configuration with the last step's thread and the preemptions taken, a step of
another thread while that one could go on is a preemption and is held back once N are taken; the
steps held back are compared too, and the end, violating and never-ending states are counted as
configurations), --first (the search stops at the first violation found), --max-states N (it stops
when a state is found with N stored: that step counted, the state not) and --max-depth N (it expands
the states up to N steps deep and stops at the first deeper one, stored and its invariants checked):
the counts where it stopped, the depth up to which every state was expanded, and no analysis; and
--fewest-preemptions (after a complete search, each violation's schedule is one with the fewest
preemptions, then the fewest steps, then the first in tie-break order: found here by Dijkstra over
the pairs of a state and the last step's thread; models of more than MAX_FEWEST states are skipped);
and --schedules K (weft writes the file to a place of the reference's): after a complete search, the
file's schedules must be the reference's own enumeration of docs/schedules.md
(enumerate_schedules()), in order, each with its steps and its violation, and each is replayed here
as above, but for what a trace does not carry (the states, the changes, the values), and by 'weft
replay MODEL -' from its standard input, which must confirm it as replay_expected() says. With
--simulate in place of weft's options, 'weft check' is not run: each model gets three random runs,
'weft simulate --seed S' for S = 3 x seed + 0, 1, 2 (the last with --steps 7), each made here too
from docs/cli.md (simulate(): the same generator, splitmix64, picking among every thread's every
outcome in tie-break order); the header's steps and preemptions, each step's thread, label and line,
how the run ends, and a violating run's --trace (its steps, its violation, and the trace replayed
here) must be the reference's; and one 'weft simulate --runs 20 --seed 3 x seed --steps 30', whose
report must be the reference's (runs_report()) line by line, but for the shortest violating run's
steps (compared as a single run's) and the text after 'violation:'. --no-deadlock goes to both. With
--causes, after a complete search: whether the initial state is doomed, and each point of no return,
the reference's own (points_of_no_return(), from docs/schedules.md), in order: its step, thread,
line, violation and schedule, each schedule replayed here as a violation's. With --graph (not given
to weft check), a model of at most MAX_GRAPH states is also drawn by 'weft graph' and read back:
each state must be red (it shows a violation), grey (every thread finished) or neither as here, in
breadth first order, and each step must be the reference's, in order of state, thread and outcome,
with its target (a failing step's line), thread, label or line, outcome number where the step has
several, and whether it is bold (on a violation's shortest schedule) (graph_of()). With --replay in
place of weft's options, 'weft check' is not run: each model gets three traces written here
(random_trace(): a random walk of up to 25 steps, its violation the one that shows at its end or any
other, and one time in three something wrong in it: a thread, its index, an outcome, a statement, a
constant), and 'weft replay' of each must do what docs/cli.md says (replay_expected()): refuse a
trace that does not fit the model with its message and status 2, or print the initial state, each
step (thread, label, line, what it changed or where it failed) and the whole state after it, the
steps and preemptions, and the verdict (confirmed with the violation's text and the values of its
terms, diverged at a step, or not confirmed), with status 1 when confirmed, else 0. A model with
consts is checked with a -D half of the time, and three models in ten with --outcomes and one to
three terms (shared variables, whole arrays and elements, threads' locals and local arrays and their
elements). Prints each model that differs with both answers; exit status 1 if any did, 0 if none.

A model has maybe two consts (K, and J = K + 1), two shared scalars, a shared array of two, two
mutexes, two conds, a queue of two and maybe a queue of one (each variable and queue maybe with a
range, all maybe with initial values other than 0, s0's maybe from K), and two or three threads,
some of them arrays of two instances, with a local scalar (set to a constant or to id) and a local
array of two, each maybe with a range. Their statements are assignments, await, assert, skip,
lock/unlock, lock-else, wait (often right after the lock) and signal/broadcast, put/get with and
without else, if/else-if/else, while and repeat with break and continue, choose, atomic blocks of
all these but wait (nested ones too, some as the outer block's guard), and return, any of them with
a label; their expressions read the variables, array elements at any index, id, true and false, the
consts, held(m) and len(q) or len(q2), with every arithmetic, comparison and logical operator; a
repeat's count may be a const. A model may have up to two invariants and two finals, some with
labels, over the shared variables, held and len, and the threads: t@L, t[i]@L, count(t@L), done(t),
t.l0, t[i].h[j], with all/any quantifiers whose variables index the arrays and the instances (any
index may be out of bounds). Half the models are tame: no division, no index out of bounds, no
range, a mutex locked and unlocked in pairs (maybe waiting in between), fewer asserts and awaits,
so that more of their schedules run to the end (in the others few do) and the outcomes and finals
have something to compare.

The explorer shares nothing with weft but the language (docs/language.md): it runs the syntax tree
it generated, with its own graph of steps (break, continue and return are edges, not steps; repeat
is unrolled), its own interpreter of an atomic block (every path through its choices and signal
targets, the guard, a later statement that blocks, a loop back to a configuration it had), its own
arithmetic (C's truncating division and remainder, short-circuit && and ||), its own runtime errors
(division by zero, an index out of bounds, a value outside a range, an unlock or wait without the
mutex), its own rules for the mutexes, the conds and the queues, its own positions for labels (a
label names the step its statement starts with: on a jump, the target; on 'repeat', the first step
of its body; inside an atomic block, the block), quantifiers that stop at the first value that
decides, and its own count of schedules. So a mistake in weft's parser, compiler, layout or executor
that changes what a model means shows as a difference, where weft's other fuzzers compare weft with
itself (-j 1 against -j 2, breadth first against depth first). On 2026-12-06 it found seven bugs in
weft, each fixed with a test (listed in docs/testing.md): a jump before a thread's first step
ignored, a break in 'repeat 0' called a model error, a get's target index evaluated before its
element, three in how an atomic block's guard and labels were placed ('repeat 0' and jumps at its
start), and a label that reached a wait through a jump naming the wait's step but not its sleep and
re-lock. Replaying weft's schedules here found that weft named a property's term after 'breaks with'
with the parentheses around it, and adding --fewest-preemptions that weft's JSON report (and
--junit, --trace and --trace-dot) carried each violation's shortest schedule where the text showed
its fewest-preemption one. Models of more than MAX_STATES states, or with an atomic block of more
than MAX_PATHS paths, are skipped: Python is slow.
"""
import collections
import heapq
import itertools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree

ARRAY = 2  # elements of the shared array 'a' and of each local array 'h'
QUEUE_CAP = 2
MAX_STATES = 200000
MAX_FEWEST = 30000  # states, for --fewest-preemptions (each schedule kept whole)
MAX_PATHS = 4096  # paths through one atomic block (choices, signal targets) before giving up
END = -1  # the position of a finished thread
MUTEXES, CONDS = ('m', 'm2'), ('c', 'c2')
RUNNING, SLEEPING, WOKEN = 0, 1, 2  # a thread's status; a woken one re-takes the mutex


class EvalError(Exception):
    """A runtime error: the step (or the property) fails."""


# A step that fails: kind 'assert' (a false assert) or 'error' (a runtime error), and the line
# of the statement that failed (in an atomic block, the statement inside it).
Fail = collections.namedtuple('Fail', 'kind line')


class TooBig(Exception):
    pass


class Stop(Exception):
    """A search cut short: 'first' (--first: at the first violation found) or 'max states'
    (--max-states N: at a new state when N are stored)."""


# ---------- random models: the syntax tree, and its text ----------


class Scope:
    """What an expression may read: in a thread, its locals and id, and the labels it gives
    out; in a property, the threads (Template) and the quantifier variables bound around it."""

    def __init__(self, locs, in_thread, templates=(), bound=(), tame=False):
        self.locs, self.in_thread = locs, in_thread
        self.templates, self.bound = templates, bound
        self.labels = []  # in a thread: the labels of its statements, in order
        self.own_labels = {}  # id of a labelled statement -> its label (the one a state shows)
        self.tame = tame  # no division, indexes in bounds, a mutex unlocked only after its lock
        self.consts = ()  # the model's consts' names
        self.queues = ('q',)  # and its queues'


class Template:
    """A thread declaration: its instances are the model's threads first .. first + count - 1."""

    def __init__(self, name, count, first, locs, labels):
        self.name, self.count, self.first = name, count, first
        self.locs, self.labels = locs, labels  # labels: name -> the positions it names


def gen_instance(r, sc, t):
    """Which instance of template t a property names: None for a single thread, else an index
    that may be out of bounds."""
    if t.count == 1:
        return None
    c = r.random()
    if sc.tame:
        return ('qv', r.choice(sc.bound)) if sc.bound and c < 0.5 else ('c', r.randint(0, 1))
    if c < 0.5:
        return ('c', r.randint(0, t.count - 1))
    if c < 0.8 and sc.bound:
        return ('qv', r.choice(sc.bound))
    return gen_expr(r, 1, sc)


def gen_thread_form(r, sc):
    """A property's reading of a thread: t@L, count(t@L), done(t) or t.x."""
    t = r.choice(sc.templates)
    c = r.random()
    if c < 0.45 and t.labels:
        return ('at', t, gen_instance(r, sc, t), r.choice(sorted(t.labels)))
    if c < 0.6 and t.labels:
        return ('count', t, r.choice(sorted(t.labels)))
    if c < 0.8 or not t.locs:
        return ('done', t, gen_instance(r, sc, t))
    name = r.choice(t.locs)
    if name.startswith('h['):  # an element of its local array, at any index
        return ('tla', t, gen_instance(r, sc, t), gen_index(r, sc))
    return ('tl', t, gen_instance(r, sc, t), name)


def gen_index(r, sc):
    """An index into an array of ARRAY elements, maybe out of bounds (not if sc.tame)."""
    if sc.tame:  # 0 or 1
        return r.choice([('c', 0), ('c', 1), ('<', gen_expr(r, 1, sc), gen_expr(r, 1, sc))] +
                        ([('id',)] if sc.in_thread else []))
    if not sc.in_thread:
        if sc.bound and r.random() < 0.5:
            return ('qv', r.choice(sc.bound))
        return ('c', r.randint(0, ARRAY - 1))
    return ('%', gen_expr(r, 1, sc), ('c', ARRAY))


def gen_quantifier(r, depth, sc):
    v = 'i%d' % len(sc.bound)
    lo = r.randint(0, 1) if sc.tame else r.randint(-1, 1)
    hi = lo + (r.randint(-1, 1 - lo) if sc.tame else r.randint(-1, 2))  # tame: in 0..1
    inner = Scope([], False, sc.templates, sc.bound + (v,), sc.tame)
    inner.consts, inner.queues = sc.consts, sc.queues
    return (r.choice(['all', 'any']), v, lo, hi, gen_expr(r, depth, inner))


def gen_expr(r, depth, sc):
    """An expression; outside a thread (sc.in_thread false) without locals and id, but with the
    threads' positions, locals and quantifiers, and array indexes but constants and quantifier
    variables."""
    if depth <= 0 or r.random() < 0.35:
        if sc.templates and r.random() < 0.4:
            return gen_thread_form(r, sc)
        c = r.random()
        if c < 0.3:
            return ('v', r.choice(['s0', 's1']))
        if c < 0.4:
            if sc.tame:
                return ('a', gen_index(r, sc))
            if not sc.in_thread or depth <= 0:
                if sc.bound and r.random() < 0.5:
                    return ('a', ('qv', r.choice(sc.bound)))
                return ('a', ('c', r.randint(0, ARRAY - 1)))
            return ('a', ('%', gen_expr(r, depth - 1, sc), ('c', ARRAY)))
        if c < 0.5 and sc.locs:
            name = r.choice(sc.locs)
            return ('lh', gen_index(r, sc)) if name.startswith('h[') else ('l', name)
        if c < 0.55 and sc.in_thread:
            return ('id',)
        if c < 0.6:
            leaf = r.choice([('held', r.choice(MUTEXES)), ('len', 'q')])
            if leaf[0] == 'len' and len(sc.queues) > 1:
                leaf = ('len', r.choice(sc.queues))
            return leaf
        if c < 0.63:
            return ('b', r.randint(0, 1))
        if c < 0.67 and sc.consts:
            return ('k', r.choice(sc.consts))
        if c < 0.7 and sc.bound:
            return ('qv', r.choice(sc.bound))
        return ('c', r.randint(0, 2))
    if sc.templates and depth > 1 and r.random() < 0.25:
        return gen_quantifier(r, depth - 1, sc)
    op = r.choice(['+', '-', '*', '==', '<', '!=', '&&', '||', '!', 'neg', '%', '<=', '>', '>='] +
                  ([] if sc.tame else ['/', '%e']))
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
        return ('a', gen_index(r, sc) if sc.tame else ('%', gen_expr(r, 1, sc), ('c', ARRAY)))
    name = r.choice(sc.locs)
    return ('lh', gen_index(r, sc)) if name.startswith('h[') else ('l', name)


def small(expr):
    """Values kept in -2 .. 2, so that no arithmetic overflows."""
    return ('%', expr, ('c', 3))


def SKIP():  # each statement its own object: the explorer learns its line by its id
    return tuple(['skip'])


def RETURN():
    return tuple(['return'])


def gen_body(r, depth, sc, n, in_loop, in_atomic=False):
    out = []

    def sub(lo, hi, loop=None):
        return gen_body(r, depth - 1, sc, r.randint(lo, hi), in_loop if loop is None else loop,
                        in_atomic)

    def mutex():  # mostly the one mutex, so that threads contend for it
        return 'm' if r.random() < 0.75 else 'm2'

    def cond():
        return 'c' if r.random() < 0.75 else 'c2'

    def queue():  # the first queue, or (if the model has it) the second
        return r.choice(sc.queues) if len(sc.queues) > 1 else 'q'

    for _ in range(n):
        c = r.random()
        if c < 0.30:
            out.append(('assign', target(r, sc), small(gen_expr(r, 2, sc))))
        elif c < 0.38 and (not sc.tame or r.random() < 0.4):  # tame: fewer, fewer deadlocks
            out.append(('await', gen_expr(r, 2, sc)))
        elif c < 0.44 and not sc.tame:
            out.append(('assert', gen_expr(r, 2, sc)))
        elif c < 0.44 and r.random() < 0.3:  # rarer: a false one ends the schedule
            out.append(('assert', gen_expr(r, 2, sc)))
        elif c < 0.48:
            out.append(SKIP())
        elif c < 0.64 and sc.tame and depth > 0:  # lock, maybe wait, unlock
            x = mutex()
            out.append(('lock', x))
            out.extend(sub(0, 2))
            if r.random() < 0.25 and not in_atomic:
                out.append(('wait', cond(), x))
                out.extend(sub(0, 1))
            out.append(('unlock', x))
        elif c < 0.56:
            out.append(('lock', mutex()))
        elif c < 0.64:
            out.append(('unlock', mutex()))
        elif c < 0.68 and (in_atomic or sc.tame):  # wait is a model error in atomic
            out.append(SKIP())
        elif c < 0.68:  # often right after taking its mutex, as in a program
            x = mutex()
            if r.random() < 0.5:
                out.append(('lock', x))
            out.append(('wait', cond(), x))
        elif c < 0.72:
            out.append(('signal', cond()))
        elif c < 0.74:
            out.append(('broadcast', cond()))
        elif c < 0.745:
            out.append(RETURN())
        elif c < 0.76:
            out.append(('put', small(gen_expr(r, 1, sc)), queue()))
        elif c < 0.77:
            out.append(('get', target(r, sc), queue()))
        elif c < 0.775 and depth > 0:
            out.append(('tryput', small(gen_expr(r, 1, sc)), sub(0, 2), queue()))
        elif c < 0.78 and depth > 0:
            out.append(('tryget', target(r, sc), sub(0, 2), queue()))
        elif c < 0.79:
            out.append(('trylock', mutex(), sub(0, 2) if depth > 0 else []))
        elif c < 0.86 and depth > 0:
            arms = [(gen_expr(r, 2, sc), sub(0, 2)) for _ in range(r.randint(1, 2))]
            other = sub(0, 2) if r.random() < 0.5 else None
            out.append(('if', arms, other))
        elif c < 0.91 and depth > 0:
            out.append(('while', gen_expr(r, 2, sc), sub(1, 2, True)))
        elif c < 0.94 and depth > 0:
            times = r.choice(sc.consts) if sc.consts and r.random() < 0.3 else r.randint(0, 2)
            out.append(('repeat', times, sub(1, 2, True)))
        elif c < 0.955 and depth > 0:
            out.append(('choose', [sub(0, 2) for _ in range(r.randint(2, 3))]))
        elif c < 0.975 and depth > 0:
            block = gen_body(r, depth - 1, sc, r.randint(1, 3), in_loop, True)
            if depth > 1 and r.random() < 0.3:  # its guard may be a nested block's
                block.insert(0, ('atomic', gen_body(r, depth - 2, sc, r.randint(1, 2), in_loop,
                                                    True)))
            out.append(('atomic', block))
        elif in_loop:
            out.append((r.choice(['break', 'continue']),))
        else:
            out.append(SKIP())
        if r.random() < 0.15:  # any statement may carry a label
            sc.labels.append('p%d' % len(sc.labels))
            sc.own_labels[id(out[-1])] = sc.labels[-1]
            out[-1] = ('label', sc.labels[-1], out[-1])
    return out


def instance_text(t, idx):
    return t.name if idx is None else f'{t.name}[{expr_text(idx)}]'


def expr_text(e):
    t = e[0]
    if t == 'c':
        return str(e[1])
    if t in ('v', 'l', 'qv', 'k'):
        return e[1]
    if t == 'at':
        return f'{instance_text(e[1], e[2])}@{e[3]}'
    if t == 'count':
        return f'count({e[1].name}@{e[2]})'
    if t == 'done':
        return f'done({instance_text(e[1], e[2])})'
    if t == 'tl':
        return f'{instance_text(e[1], e[2])}.{e[3]}'
    if t in ('all', 'any'):
        return f'({t} {e[1]} in {e[2]}..{e[3]}: {expr_text(e[4])})'
    if t == 'a':
        return 'a[' + expr_text(e[1]) + ']'
    if t == 'id':
        return 'id'
    if t == 'held':
        return f'held({e[1]})'
    if t == 'b':
        return ['false', 'true'][e[1]]
    if t == 'lh':
        return f'h[{expr_text(e[1])}]'
    if t == 'tla':
        return f'{instance_text(e[1], e[2])}.h[{expr_text(e[3])}]'
    if t == 'len':
        return f'len({e[1]})'
    if t == '!':
        return '!(' + expr_text(e[1]) + ')'
    if t == 'neg':
        return '-(' + expr_text(e[1]) + ')'
    return '(' + expr_text(e[1]) + ' ' + t + ' ' + expr_text(e[2]) + ')'


def block_text(head, body, indent, reg):
    p = '    ' * indent
    return p + head + ' {\n' + body_text(body, indent + 1, reg) + p + '}\n'


def body_text(body, indent, reg):
    """The text of 'body'; each statement's first line ends in a comment '#@N', where N is its
    place in 'reg' (a list of the statements): how the explorer learns their lines."""
    s = ''
    p = '    ' * indent
    for st in body:
        t = st[0]
        if t == 'label':
            s += p + st[1] + ': ' + body_text([st[2]], indent, reg)[len(p):]
            continue
        if t == 'assign':
            c = p + f'{expr_text(st[1])} = {expr_text(st[2])}\n'
        elif t in ('await', 'assert'):
            c = p + f'{t} {expr_text(st[1])}\n'
        elif t in ('skip', 'break', 'continue', 'return'):
            c = p + t + '\n'
        elif t in ('lock', 'unlock', 'signal', 'broadcast'):
            c = p + f'{t} {st[1]}\n'
        elif t == 'wait':
            c = p + f'wait {st[1]}, {st[2]}\n'
        elif t == 'put':
            c = p + f'put {st[2]}, {expr_text(st[1])}\n'
        elif t == 'get':
            c = p + f'get {st[2]}, {expr_text(st[1])}\n'
        elif t == 'tryput':
            c = block_text(f'put {st[3]}, {expr_text(st[1])} else', st[2], indent, reg)
        elif t == 'tryget':
            c = block_text(f'get {st[3]}, {expr_text(st[1])} else', st[2], indent, reg)
        elif t == 'trylock':
            c = block_text(f'lock {st[1]} else', st[2], indent, reg)
        elif t == 'if':
            c = ''
            for i, (cond, arm) in enumerate(st[1]):
                c += p + ('if ' if i == 0 else '} else if ') + expr_text(cond) + ' {\n'
                c += body_text(arm, indent + 1, reg)
            if st[2] is not None:
                c += p + '} else {\n' + body_text(st[2], indent + 1, reg)
            c += p + '}\n'
        elif t == 'while':
            c = block_text(f'while {expr_text(st[1])}', st[2], indent, reg)
        elif t == 'repeat':
            c = block_text(f'repeat {st[1]}', st[2], indent, reg)
        elif t == 'atomic':
            c = block_text('atomic', st[1], indent, reg)
        elif t == 'choose':
            c = p + 'choose {\n' + body_text(st[1][0], indent + 1, reg)
            for arm in st[1][1:]:
                c += p + '} or {\n' + body_text(arm, indent + 1, reg)
            c += p + '}\n'
        s += c.replace('\n', f'  #@{len(reg)}\n', 1)
        reg.append(st)
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
    'a[0]', 'a[1]'), its locals ('h[0]' for its array's) and id, the mutexes' owners (by
    MUTEXES), the queues' contents (by model.queues), every thread's status and the cond each
    sleeper waits on; copied for each path through an atomic block."""

    def __init__(self, model, tid, inst, shared, local, owners, queues, statuses, waits=(),
                 ths=None):
        self.model, self.tid, self.inst = model, tid, inst
        self.shared, self.local = shared, local
        self.owners, self.queues, self.statuses, self.waits = owners, queues, statuses, waits
        self.fresh = True  # no step-statement has run yet: the next one is the guard
        self.ths, self.bound = ths, {}  # in a property: every thread, the quantifier variables

    def copy(self):
        e = Env(self.model, self.tid, self.inst, dict(self.shared), dict(self.local),
                self.owners, self.queues, list(self.statuses), self.waits)
        e.fresh = self.fresh
        return e

    def key(self):
        return (tuple(sorted(self.shared.items())), tuple(sorted(self.local.items())),
                self.owners, self.queues, tuple(self.statuses))

    def owner(self, mutex):
        return self.owners[MUTEXES.index(mutex)]

    def queue(self, name):
        return self.queues[self.model.queues.index(name)]

    def set_queue(self, name, contents):
        k = self.model.queues.index(name)
        self.queues = self.queues[:k] + (contents,) + self.queues[k + 1:]

    def set_owner(self, mutex, tid):
        k = MUTEXES.index(mutex)
        self.owners = self.owners[:k] + (tid,) + self.owners[k + 1:]

    def element(self, idx, array='a'):
        i = value(idx, self)
        if not 0 <= i < ARRAY:
            raise EvalError()
        return f'{array}[{i}]'

    def slot(self, tgt):
        """Where an assignment or a get writes: ('l', name or 'h[i]') or ('v', name or
        'a[i]'), its index evaluated now."""
        if tgt[0] == 'a':
            return ('v', self.element(tgt[1]))
        if tgt[0] == 'lh':
            return ('l', self.element(tgt[1], 'h'))
        return tgt

    def store(self, slot, v):
        lo, hi = self.model.ranges.get(slot[1].split('[')[0], (None, None))
        if lo is not None and not lo <= v <= hi:
            raise EvalError()
        (self.local if slot[0] == 'l' else self.shared)[slot[1]] = v


def instance(tpl, idx, env):
    """The thread (pc, status, locals) that a property names."""
    i = 0 if idx is None else value(idx, env)
    if not 0 <= i < tpl.count:
        raise EvalError()
    return env.ths[tpl.first + i]


def value(e, env):
    t = e[0]
    if t == 'c':
        return e[1]
    if t == 'qv':
        return env.bound[e[1]]
    if t == 'k':
        return env.model.consts[e[1]]
    if t == 'at':
        return int(instance(e[1], e[2], env)[0] in e[1].labels[e[3]])
    if t == 'count':
        tpl = e[1]
        return sum(th[0] in tpl.labels[e[2]] for th in env.ths[tpl.first:tpl.first + tpl.count])
    if t == 'done':
        return int(instance(e[1], e[2], env)[0] == END)
    if t == 'tl':
        return instance(e[1], e[2], env)[2][e[1].locs.index(e[3])]
    if t in ('all', 'any'):  # in order, up to the first value that decides
        outer = env.bound
        try:
            for v in range(e[2], e[3] + 1):
                env.bound = dict(outer, **{e[1]: v})
                if bool(value(e[4], env)) == (t == 'any'):
                    return int(t == 'any')
        finally:
            env.bound = outer
        return int(t == 'all')
    if t == 'v':
        return env.shared[e[1]]
    if t == 'a':
        return env.shared[env.element(e[1])]
    if t == 'l':
        return env.local[e[1]]
    if t == 'id':
        return env.inst
    if t == 'held':
        return int(env.owner(e[1]) is not None)
    if t == 'b':
        return e[1]
    if t == 'lh':
        return env.local[env.element(e[1], 'h')]
    if t == 'tla':
        th = instance(e[1], e[2], env)
        return th[2][e[1].locs.index(env.element(e[3], 'h'))]
    if t == 'len':
        return len(env.queue(e[1]))
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
            '==': lambda: int(a == b), '!=': lambda: int(a != b), '<': lambda: int(a < b),
            '<=': lambda: int(a <= b), '>': lambda: int(a > b), '>=': lambda: int(a >= b)}[t]()


class Graph:
    """One thread's steps: nodes, each a step with where it leads; break, continue and return
    are not nodes but the targets that statements before them lead to."""

    def __init__(self, consts):
        self.nodes = []
        self.labels = {}  # label -> the positions it names (END among them: finished)
        self.consts = consts  # a repeat's count may be a const's name

    def label(self, name, pos):
        self.labels.setdefault(name, set()).add(pos)

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
        if t == 'label':  # names the step the statement starts with (in a repeat, each copy's)
            entry = self.stmt(st[2], after, brk, cont)
            self.label(st[1], entry)
            return entry
        if t == 'break':
            return brk
        if t == 'continue':
            return cont
        if t == 'return':
            return END
        if t in ('tryput', 'tryget', 'trylock'):
            other = self.body(st[2], after, brk, cont)
            return self.node({'t': t, 'st': st, 'next': after, 'else': other})
        if t == 'if':
            arms = [(cond, self.body(arm, after, brk, cont)) for cond, arm in st[1]]
            other = self.body(st[2], after, brk, cont) if st[2] is not None else after
            return self.node({'t': 'if', 'st': st, 'arms': arms, 'else': other})
        if t == 'while':
            n = self.node({'t': 'while', 'st': st, 'cond': st[1], 'exit': after})
            self.nodes[n]['body'] = self.body(st[2], n, after, n)
            return n
        if t == 'repeat':  # unrolled: each iteration's continue leads to the next one
            entry = after
            for _ in range(self.consts.get(st[1], st[1])):
                entry = self.body(st[2], entry, after, entry)
            return entry
        if t == 'atomic':  # run by run_list; where its jumps lead out of it
            n = self.node({'t': 'atomic', 'body': st[1], 'next': after, 'brk': brk,
                           'cont': cont, 'src': st})
            for name in labels_in(st[1]):  # a label inside the block names the block's step
                self.label(name, n)
            return n
        if t == 'choose':
            return self.node({'t': 'choose', 'src': st,
                              'arms': [self.body(arm, after, brk, cont) for arm in st[1]]})
        return self.node({'t': t, 'st': st, 'next': after})


def labels_in(body):
    """Every label in 'body', at any depth."""
    for st in body:
        while st[0] == 'label':
            yield st[1]
            st = st[2]
        t = st[0]
        subs = []
        if t in ('tryput', 'tryget', 'trylock'):
            subs = [st[2]]
        elif t == 'if':
            subs = [arm for _, arm in st[1]] + ([st[2]] if st[2] is not None else [])
        elif t in ('while', 'repeat'):
            subs = [st[2]]
        elif t == 'atomic':
            subs = [st[1]]
        elif t == 'choose':
            subs = st[1]
        for sub in subs:
            yield from labels_in(sub)


# ---------- statements: one step, or a statement inside an atomic block ----------


def run_list(stmts, env):
    """Run 'stmts' from 'env' on every path: a list of (how, env) where 'how' is 'next' (fell
    through), 'brk', 'cont', 'ret', or 'fail' (env a Fail); None when the
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


def fail(kind, st, env):
    """A path that ends in a failure of statement 'st'."""
    return [('fail', Fail(kind, env.model.lines[id(st)]))]


def blocks_if(is_guard, st, env):
    """A statement that cannot go on: not enabled as the guard (the first step-statement of the
    block: break, continue, return and repeat are not steps), else a runtime error."""
    return None if is_guard else fail('error', st, env)


def run_loop(st, env, seen):
    _, cond, body = st
    key = (id(st), env.key())
    if key in seen:  # back to a configuration it had: it would run forever
        return fail('error', st, env)
    seen = seen | {key}
    try:
        if not value(cond, env):
            return [('next', env)]
    except EvalError:  # this path's test fails; the others go on
        return fail('error', st, env)
    out = []
    for how, e in run_list(body, env):
        if how in ('next', 'cont'):
            out.extend(run_loop(st, e, seen))
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
    while st[0] == 'label':
        st = st[2]
    try:
        return run_stmt_or_raise(st, env)
    except EvalError:
        return fail('error', st, env)


def run_stmt_or_raise(st, env):
    t = st[0]
    e = env.copy()
    is_step = t not in ('break', 'continue', 'return', 'repeat', 'atomic')
    is_guard = is_step and e.fresh
    if is_step:
        e.fresh = False
    if t == 'assign':
        slot = e.slot(st[1])
        e.store(slot, value(st[2], e))
        return [('next', e)]
    if t == 'await':  # one that cannot be evaluated is enabled, and fails
        return [('next', e)] if value(st[1], e) else blocks_if(is_guard, st, e)
    if t == 'assert':
        return [('next', e)] if value(st[1], e) else fail('assert', st, e)
    if t == 'skip':
        return [('next', e)]
    if t in ('break', 'continue', 'return'):
        return [({'break': 'brk', 'continue': 'cont', 'return': 'ret'}[t], e)]
    if t == 'lock':
        if e.owner(st[1]) is not None:
            return blocks_if(is_guard, st, e)
        e.set_owner(st[1], e.tid)
        return [('next', e)]
    if t == 'unlock':
        if e.owner(st[1]) != e.tid:
            return fail('error', st, e)
        e.set_owner(st[1], None)
        return [('next', e)]
    # A put's value is evaluated first: one that cannot be makes the step enabled and failing
    # even on a full queue (Python evaluates q.put's argument before it blocks), but its range
    # is checked only as it goes in. A get takes the element first, then evaluates its target's
    # index (Python's a[i] = q.get()): on an empty queue it blocks whatever the target.
    if t in ('put', 'tryput'):
        v = value(st[1], e)
        q = st[-1]
        if len(e.queue(q)) >= e.model.caps[q]:
            return run_list(st[2], e) if t == 'tryput' else blocks_if(is_guard, st, e)
        lo, hi = e.model.ranges.get(q, (None, None))
        if lo is not None and not lo <= v <= hi:
            return fail('error', st, e)
        e.set_queue(q, e.queue(q) + (v,))
        return [('next', e)]
    if t in ('get', 'tryget'):
        q = st[-1]
        if not e.queue(q):
            return run_list(st[2], e) if t == 'tryget' else blocks_if(is_guard, st, e)
        v = e.queue(q)[0]
        e.set_queue(q, e.queue(q)[1:])
        e.store(e.slot(st[1]), v)
        return [('next', e)]
    if t == 'trylock':
        if e.owner(st[1]) is not None:
            return run_list(st[2], e)
        e.set_owner(st[1], e.tid)
        return [('next', e)]
    if t in ('signal', 'broadcast'):
        sleepers = [j for j, status in enumerate(e.statuses)
                    if status == SLEEPING and e.waits[j] == st[1]]
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
        return run_loop(st, e, frozenset())
    if t == 'repeat':  # N times; a break ends it, a continue goes on to the next time
        live, done = [e], []
        for _ in range(e.model.consts.get(st[1], st[1])):
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
    if t == 'atomic':  # nested: no more than its statements; its guard may be the outer one's
        return run_list(st[1], e)
    raise AssertionError('no statement ' + t)


# ---------- the search ----------


def shared_term(i):
    return lambda cfg: cfg[0][i]


def local_term(tid, i):
    return lambda cfg: cfg[2][tid][2][i]


def outcome_terms(rk, templates):
    """Some terms for --outcomes: shared variables, whole arrays and elements, threads' locals,
    a thread's whole array and its elements."""
    cands = {'s0': shared_term(0), 's1': shared_term(1), 'a[0]': shared_term(2),
             'a[1]': shared_term(3), 'a': lambda cfg: cfg[0][2:4]}
    for t in templates:
        for inst in range(t.count):
            name = t.name if t.count == 1 else f'{t.name}[{inst}]'
            tid = t.first + inst
            for i, loc in enumerate(t.locs):
                cands[f'{name}.{loc}'] = local_term(tid, i)
            if 'h[0]' in t.locs:
                at = t.locs.index('h[0]')
                cands[f'{name}.h'] = lambda cfg, tid=tid, at=at: cfg[2][tid][2][at:at + 2]
    return {name: cands[name] for name in rk.sample(sorted(cands), rk.randint(1, 3))}


class Model:
    def __init__(self):
        self.shared = ['s0', 's1'] + [f'a[{i}]' for i in range(ARRAY)]
        self.ranges = {}  # 's1', 'a', 'q', 'q2', 'l0', 'h': (lo, hi)
        self.threads = []  # (nodes, entry, instance index, locals) of each thread
        self.inits = []  # each thread's initial locals
        self.init_shared, self.init_queues = None, ((),)
        self.queues, self.caps = ['q'], {'q': QUEUE_CAP}  # its queues, their capacities
        self.invariants, self.finals = [], []  # (line, label or None, expression)
        self.lines = {}  # id of a statement -> its line
        self.consts = {}  # name -> value, after -D
        self.options = []  # its own options for weft: -D, --outcomes
        self.names, self.end_lines = [], []  # each thread's name, the line of its closing brace
        self.thread_labels = []  # each thread's labels: name -> the positions it names
        self.bodies = []  # each template's statements (its syntax tree)
        self.own_labels = {}  # id of a labelled statement -> its label
        # What its outcomes are grouped by: name -> its value in a configuration (by default
        # the shared scalars; else given to weft with --outcomes)
        self.outcome_terms = {'s0': shared_term(0), 's1': shared_term(1)}


def successors(model, state):
    """Every outcome of every thread's next step: (thread, new state), or (thread, Fail) for a
    step that fails."""
    shared_vals, owners, ths, queues = state
    waits = tuple(model.threads[j][0][pc]['st'][1] if status == SLEEPING else None
                  for j, (pc, status, _) in enumerate(ths))
    out = []
    for i, (pc, status, local_vals) in enumerate(ths):
        if pc == END or status == SLEEPING:
            continue
        nodes, _, inst, locs = model.threads[i]

        def make(npc, e=None, status=RUNNING, owners=owners):
            ths2 = list(ths)
            ths2[i] = (npc, status, tuple(e.local[x] for x in locs) if e else local_vals)
            if e:
                for j, st in enumerate(e.statuses):
                    if st != ths[j][1]:
                        ths2[j] = (ths2[j][0], st, ths2[j][2])
                return (tuple(e.shared[x] for x in model.shared), e.owners, tuple(ths2),
                        e.queues)
            return (shared_vals, owners, tuple(ths2), queues)

        env = Env(model, i, inst, dict(zip(model.shared, shared_vals)), dict(zip(locs, local_vals)),
                  owners, queues, [th[1] for th in ths], waits)
        n = nodes[pc]
        t = n['t']
        if status == WOKEN:  # its wait's second half: the mutex again
            if env.owner(n['st'][2]) is None:
                env.set_owner(n['st'][2], i)
                out.append((i, make(n['next'], owners=env.owners)))
            continue
        try:
            if t == 'wait':
                if env.owner(n['st'][2]) != i:
                    out.append((i, Fail('error', model.lines[id(n['st'])])))
                    continue
                env.set_owner(n['st'][2], None)
                out.append((i, make(pc, status=SLEEPING, owners=env.owners)))
            elif t in ('tryput', 'tryget', 'trylock'):  # the else-block is the next step
                if t == 'tryput':  # its value first (run_stmt_or_raise)
                    value(n['st'][1], env)
                q = n['st'][-1]
                can = {'tryput': lambda: len(env.queue(q)) < model.caps[q],
                       'tryget': lambda: bool(env.queue(q)),
                       'trylock': lambda: env.owner(n['st'][1]) is None}[t]()
                if not can:
                    out.append((i, make(n['else'])))
                    continue
                how, e = run_stmt(n['st'], env)[0]
                out.append((i, e if how == 'fail' else make(n['next'], e)))
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
                    if how == 'fail':
                        out.append((i, e))
                    else:
                        to = {'next': n['next'], 'brk': n.get('brk'), 'cont': n.get('cont'),
                              'ret': END}[how]
                        out.append((i, make(to, e)))
        except EvalError:  # a test that cannot be evaluated
            out.append((i, Fail('error', model.lines[id(n['st'])])))
    return out


def property_breaks(model, prop, state):
    """None if 'prop' holds in 'state', else 'false', or 'error' if it cannot be evaluated."""
    env = Env(model, -1, 0, dict(zip(model.shared, state[0])), {}, state[1], state[3], [],
              ths=state[2])
    try:
        return None if value(prop, env) else 'false'
    except EvalError:
        return 'error'


def bounded(succ, node, bound):
    """The steps of 'succ' (from node's configuration) that --max-preemptions 'bound' lets
    through, each leading to (configuration, thread, preemptions); and how many threads' steps
    it held back (a step of several outcomes is one):
    a step by another thread while the last step's thread could go on is a preemption, held
    back once the schedule has taken 'bound' of them."""
    _, last, taken = node
    enabled = {i for i, _ in succ}
    out, held = [], set()
    for i, new in succ:
        preempts = last is not None and i != last and last in enabled
        if preempts and taken >= bound:
            held.add(i)  # one step of thread i, whatever its outcomes
            continue
        out.append((i, new if isinstance(new, Fail) else (new, i, taken + preempts)))
    return out, len(held)


def initial_config(model):
    """The initial configuration: (shared values, mutex owners, each thread's (position,
    status, locals), queues)."""
    return (model.init_shared, (None,) * len(MUTEXES),
            tuple((th[1], RUNNING, locs) for th, locs in zip(model.threads, model.inits)),
            model.init_queues)


COVER_AT, COVER_RAN, COVER_WOKEN = 1, 2, 4  # a thread stood at a statement, it ran, it woke


def never_run(model, cover):
    """The statements a complete search never ran (docs/cli.md, *never run*), as weft's JSON
    lists them: [thread, line, why], template by template, each statement once (all its
    instances' and all a repeat's copies of it together) in order of lines: 'never reached' (no
    expanded state has a thread there), 'always blocked' (there, but never with a step),
    'never woken' (a wait no thread was ever woken from). 'cover': (thread, node) -> the
    COVER_* marks."""
    out = []
    for first, name in enumerate(model.names):
        template = name.split('[')[0]
        if first and model.names[first - 1].split('[')[0] == template:
            continue  # another instance: its marks go with the first's
        marks, waits = collections.Counter(), set()
        nodes = model.threads[first][0]
        for pc, n in enumerate(nodes):
            line = model.lines[id(n.get('src', n.get('st')))]
            for i, other in enumerate(model.names):
                if other.split('[')[0] == template:
                    marks[line] |= cover[i, pc]
            if n['t'] == 'wait':
                waits.add(line)
        for line in sorted(marks):
            m = marks[line]
            why = 'never reached' if not m & COVER_AT else 'always blocked' \
                if not m & COVER_RAN else 'never woken' \
                if line in waits and not m & COVER_WOKEN else None
            if why:
                out.append([template, line, why])
    return out


def explore(model, deadlock=True, bound=None, first=False, max_states=0, max_depth=None,
            fewest=False, enum=0, causes=False, graph=False):
    """What weft's JSON report says of the model (see weft_answer), or None past MAX_STATES
    states or MAX_PATHS paths through an atomic block. With deadlock false (--no-deadlock), a
    state where no thread can move is no violation. With a bound (--max-preemptions), a state is
    a configuration with the last step's thread and the preemptions taken, and the end and
    violating states are counted as configurations."""
    init = initial_config(model)
    if bound is not None:
        init = (init, None, 0)

    def cfg(node):
        return node if bound is None else node[0]

    seen = {init: 0}
    order = [init]
    parent = [None]  # (parent, thread, outcome) of the first step found into each state
    edges = []  # each state's steps: the state they lead to, None for a failing step
    bad = []  # each state violates: it breaks a property, deadlocks or has a failing step
    broken = []  # each state breaks an invariant (or cannot evaluate one)
    ends = []  # the end states: (state, breaks a property)
    # Each violation in the order found -> (the state its schedule ends in, the failing step or
    # None): breadth first, the first found is the first shortest. A violation is a
    # (kind, line, label): an invariant or final by its line, an assert or runtime error by
    # the failing statement's (an error evaluating a property by the property's), a deadlock
    # by none. A state's invariants are checked as it is found, its finals and whether it
    # deadlocks as it is expanded, before its steps.
    found = {}
    n_trans = n_held = 0
    shows = collections.defaultdict(list)  # state -> the violations it shows (not a step's)
    moves_of = []  # each state's steps: (thread, outcome, the state reached or a Fail)
    cover = collections.Counter()  # (thread, node) -> COVER_* marks of the expanded states

    def find(key, at, step=None):
        if step is None:
            shows[at].append(key)
        if key not in found:
            found[key] = (at, step)
            if first:
                raise Stop('first')

    dep = [0]  # each state's depth: the length of its shortest schedule

    def check(props, kind, k):
        """Whether state k breaks one of 'props' (or cannot evaluate one)."""
        any_bad = False
        for line, label, prop in props:
            bad_kind = property_breaks(model, prop, cfg(order[k]))
            if bad_kind == 'false':
                find((kind, line, label), k)
            elif bad_kind:
                find(('error', line, None), k)
            any_bad |= bool(bad_kind)
        return any_bad

    stop = 'complete'
    try:
        broken.append(check(model.invariants, 'invariant', 0))
        k = 0
        while k < len(order):
            if max_depth is not None and dep[k] > max_depth:  # stored, its invariants checked
                raise Stop('max depth')
            config = cfg(order[k])
            try:
                moves = successors(model, config)
            except TooBig:  # an atomic block of too many paths: not compared
                return None
            succ, held = (moves, 0) if bound is None else bounded(moves, order[k], bound)
            n_held += held
            ran = {i for i, _ in succ}
            for i, (pc, status, _) in enumerate(config[2]):
                if pc != END and status != SLEEPING:
                    cover[i, pc] |= COVER_WOKEN if status == WOKEN else \
                        COVER_AT | (COVER_RAN if i in ran else 0)
            all_done = all(th[0] == END for th in config[2])
            final_broken = all_done and check(model.finals, 'final', k)
            bad.append(broken[k] or final_broken)
            if all_done:
                ends.append((k, broken[k] or final_broken))
            if not moves and not all_done and deadlock:
                find(('deadlock', None, None), k)
                bad[k] = True
            out = []
            outcome = {}  # each thread's outcomes so far: the k of weft's (thread, k)
            moves_of.append([])
            for i, new in succ:
                n_trans += 1
                outcome[i] = outcome.get(i, -1) + 1
                if isinstance(new, Fail):  # a failing step
                    find((new.kind, new.line, None), k, (k, i, outcome[i]))
                    bad[k] = True
                    out.append(None)
                    moves_of[k].append((i, outcome[i], new))
                    continue
                if new not in seen:
                    if len(order) == max_states:  # the new state is not stored
                        raise Stop('max states')
                    seen[new] = len(order)
                    order.append(new)
                    parent.append((k, i, outcome[i]))
                    dep.append(dep[k] + 1)
                    broken.append(check(model.invariants, 'invariant', len(order) - 1))
                    if len(order) > MAX_STATES:
                        return None
                out.append(seen[new])
                moves_of[k].append((i, outcome[i], seen[new]))
            edges.append(out)
            k += 1
    except Stop as cut:  # the counts where the search stopped
        stop = cut.args[0]
    configs = [cfg(n) for n in order]
    violations = []
    for key, (at, step) in found.items():
        steps = path(parent, at) + ([step] if step else [])
        violations.append(list(key) + [len(steps), [list(x[1:]) for x in steps],
                                       preemptions(model, configs, steps)])
    answer = {'states': len(order), 'transitions': n_trans, 'depth': max(dep), 'stop': stop,
              'violations': violations, 'checked_depth': None,
              'never_run': never_run(model, cover) if stop == 'complete' and not n_held
              else None,  # only after a whole search: no step held back by a bound either
              'replayed': [''] * len(violations)}  # weft's schedules run here: see replay()
    if stop in ('max states', 'max depth') and dep[k] > 0:  # the levels before k's are whole
        answer['checked_depth'] = dep[k] - 1
    if stop != 'complete':  # no analysis
        answer['junit'] = junit_cases(model, list(found), True, deadlock, 0)
        answer['summary'] = summary(violations, stop if stop != 'first' else None)
        return answer
    if enum:  # --schedules
        answer['enumerated'] = [[[list(x) for x in steps], list(key)]
                                for steps, key in enumerate_schedules(moves_of, shows, enum)]
        answer['enumerated_replayed'] = [''] * len(answer['enumerated'])
    if graph and len(order) <= MAX_GRAPH:  # weft graph's states and steps
        answer['graph'] = graph_of(model, configs, moves_of, shows, violations)
    if causes:  # each point: its step, thread, line, violation (an index) and schedule
        points = points_of_no_return(model, configs, moves_of, shows)
        keys = list(found)
        answer['causes'] = {'doomed': points is None, 'points': [
            [len(upto), i, model.names[i], line, keys.index(key), [list(x) for x in upto + rest]]
            for upto, i, line, rest, key in points or []]}
        answer['causes_replayed'] = [''] * len(answer['causes']['points'])
    if fewest:  # each violation's schedule replaced by its fewest-preemption one
        if len(order) > MAX_FEWEST:
            return None
        cheapest = fewest_preemptions(moves_of, shows)
        answer['violations'] = [v[:3] + [len(cheapest[tuple(v[:3])][2]),
                                         [list(x) for x in cheapest[tuple(v[:3])][2]],
                                         cheapest[tuple(v[:3])][0]]
                                for v in violations]
    answer['final_fails'] = final_fails(model, configs, ends, violations)
    answer['end_states'] = len({configs[k] for k, _ in ends})
    answer['violating_states'] = len({cfg(node) for node, b in zip(order, bad) if b})
    answer['schedules'], answer['violating_schedules'] = count_schedules(edges, bad, broken)
    answer['outcomes'] = outcomes(model, configs, edges, broken, ends,
                                  answer['schedules'] is not None)
    answer['never_ending_states'], answer['runs_forever'] = None, []
    if model.finals:  # configurations, as the end and violating states
        stuck = never_ending(edges)
        answer['never_ending_states'] = len({configs[k] for k in stuck})
        if stuck and not n_held:  # the first, the fewest steps in: where each thread stands
            k = min(stuck)
            answer['runs_forever'] = [[dep[k], [
                'finished' if th[0] == END else at['line']
                for th, at in zip(configs[k][2], state_json(model, configs[k])['threads'])]]]
    if bound is not None:
        answer['held_back'] = n_held
        if n_held:  # a bounded scheduler is not fair: no count of states that cannot end
            answer['never_ending_states'] = None
    answer['junit'] = junit_cases(model, list(found), bool(n_held), deadlock,
                                  answer['never_ending_states'] or 0)
    answer['analysis_text'] = analysis_text(model, answer, bound)
    answer['summary'] = summary(violations, 'max preemptions' if n_held else None)
    return answer


def state_json(model, config):
    """A configuration as weft's JSON report shows a state (docs/json.md), but for the threads'
    statement text: the shared variables, the mutexes' owners, the queues and each thread's
    status, line, label (the set of them where several name its position and none is its
    statement's own: see weft_state) and locals."""
    shared_vals, owners, ths, queues = config
    vals = dict(zip(model.shared, shared_vals))
    threads = []
    for i, (pc, status, local_vals) in enumerate(ths):
        nodes, _, _, locs = model.threads[i]
        loc = dict(zip(locs, local_vals))
        locals_ = {'l0': loc['l0']} if 'l0' in loc else {}
        if 'h[0]' in loc:
            locals_['h'] = [loc[f'h[{j}]'] for j in range(ARRAY)]
        # Its label: of those that name its position, its statement's own if it has one
        names = {name for name, at in model.thread_labels[i].items() if pc in at}
        if pc == END:
            line, own = model.end_lines[i], None
        else:
            n = nodes[pc]
            st = n.get('src', n.get('st'))
            line, own = model.lines[id(st)], model.own_labels.get(id(st))
        label = own or (min(names) if len(names) == 1 else names or None)
        threads.append({'name': model.names[i], 'line': line, 'label': label, 'locals': locals_,
                        'status': 'done' if pc == END else
                        'asleep' if status == SLEEPING else 'running'})
    return {'shared': {'s0': vals['s0'], 's1': vals['s1'],
                       'a': [vals[f'a[{j}]'] for j in range(ARRAY)]},
            'mutexes': {m: None if t is None else model.names[t] for m, t in zip(MUTEXES, owners)},
            'queues': {q: list(c) for q, c in zip(model.queues, queues)}, 'threads': threads}


def differ(a, b, where=''):
    """Where two JSON values first differ, and how: '.threads[1].line: weft 9, here 10'."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if a.get(k, '?') != b.get(k, '?'):
                return differ(a.get(k, '?'), b.get(k, '?'), where + '.' + str(k))
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for k, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return differ(x, y, where + f'[{k}]')
    return f'{where}: weft {a}, here {b}'


def weft_state(state, ref):
    """A state of weft's JSON report without its statements' text, to compare with 'ref' (from
    state_json): a thread whose position several labels name, none its statement's own, may
    show any of them."""
    threads = []
    for th, mine in zip(state['threads'], ref['threads'] + [{}] * len(state['threads'])):
        th = {k: v for k, v in th.items() if k != 'statement'}
        if isinstance(mine.get('label'), set) and th['label'] in mine['label']:
            th['label'] = mine['label']
        threads.append(th)
    return dict(state, threads=threads)


def branches(e):
    """Whether evaluating expression e may jump (&&, ||, a quantifier): code that is not
    straight."""
    return isinstance(e, tuple) and (e[0] in ('&&', '||', 'all', 'any') or
                                     any(branches(x) for x in e[1:]))


def step_writes(node):
    """(the scalar the step at graph node 'node' surely writes, or None; whether its code is not
    straight, so that a write of a value already there may show or not: see changes())."""
    st = node.get('st')
    straight = node['t'] == 'get' or node['t'] == 'assign' and not branches(st[2])
    writes = st[1][1] if straight and st[1][0] in ('v', 'l') else None
    loose = not straight and node['t'] not in ('put', 'lock', 'unlock', 'wait', 'signal',
                                               'broadcast', 'skip', 'await', 'assert')
    return writes, loose


def changes(model, before, after, tid, node):
    """What the text report's last column (and the JSON step's 'changes') may say of thread
    tid's step from 'before' to 'after' at graph node 'node': a set of the texts allowed. In
    order: the shared variables, the thread's locals, the mutexes, the queues, then each thread
    the step woke; a scalar shows when it changed, or when a simple assignment or get wrote it
    (its value kept: a lost update); where the step's code is not straight (an atomic block, a
    branch, && or || in the value) such a write may show or not (weft shows it only where the
    code is straight, docs/cli.md)."""
    sure, maybe = [], []
    writes, loose = step_writes(node)

    def scalar(name, old, new):
        if old != new or writes == name:
            sure.append(f'{name} = {new}')
        elif loose:
            maybe.append(len(sure))  # may stand here
            sure.append(f'{name} = {new}')

    b_sh, a_sh = dict(zip(model.shared, before[0])), dict(zip(model.shared, after[0]))
    for name in model.shared:
        if '[' in name:
            if b_sh[name] != a_sh[name]:
                sure.append(f'{name} = {a_sh[name]}')
        else:
            scalar(name, b_sh[name], a_sh[name])
    locs = model.threads[tid][3]
    b_l, a_l = dict(zip(locs, before[2][tid][2])), dict(zip(locs, after[2][tid][2]))
    for name in locs:
        if '[' in name:
            if b_l[name] != a_l[name]:
                sure.append(f'{name} = {a_l[name]}')
        else:
            scalar(name, b_l[name], a_l[name])
    for m, b_o, a_o in zip(MUTEXES, before[1], after[1]):
        if b_o != a_o:
            sure.append(f'{m} = ' + ('free' if a_o is None else model.names[a_o]))
    for q, b_q, a_q in zip(model.queues, before[3], after[3]):
        if b_q != a_q:
            sure.append(f'{q} = [' + ', '.join(map(str, a_q)) + ']')
    for j, (b_t, a_t) in enumerate(zip(before[2], after[2])):
        if j != tid and (b_t[0], b_t[1]) != (a_t[0], a_t[1]):
            sure.append(f'woke {model.names[j]}')
    allowed = set()
    for mask in range(1 << len(maybe)):  # each optional write shown or not
        drop = {maybe[b] for b in range(len(maybe)) if mask >> b & 1}
        allowed.add(', '.join(x for i, x in enumerate(sure) if i not in drop) or '-')
    return allowed


def mentions_bound(e):
    """Whether expression e reads a quantifier's variable."""
    return isinstance(e, tuple) and (e[0] == 'qv' or any(mentions_bound(x) for x in e[1:]))


def prop_terms(e, out):
    """The terms of property e whose values the report gives after 'breaks with' (docs/cli.md),
    into 'out' (text -> expression) in order of first appearance: the shared variables, array
    elements, len, held, count, and t@L, done(t), t.l0 and t.h[j]; not the consts, id or a
    quantifier's variable. An element indexed by a quantifier's variable gives its whole array
    ('a'), a thread named by one nothing."""
    if not isinstance(e, tuple):
        return
    t = e[0]
    if t in ('v', 'len', 'held', 'count'):
        out.setdefault(expr_text(e), e)
    elif t == 'a':
        out.setdefault(*(('a', ('whole a',)) if mentions_bound(e[1]) else (expr_text(e), e)))
    elif t in ('tl', 'tla', 'at', 'done'):
        if not any(mentions_bound(x) for x in e[2:]):
            out.setdefault(expr_text(e), e)
    else:
        for x in e[1:]:
            prop_terms(x, out)


def replay(model, violation, deadlock):
    """Runs the schedule weft reports for a violation (its JSON) here, step by step: each step
    must be one the thread can take (its k-th outcome), must say whether it preempts, must
    leave the state weft shows (a failing step the state before it, with the failing
    statement's line), and the schedule must end where the violation shows: a state breaking
    the invariant, an end state breaking the final, a deadlock, the failing step. A trace's
    steps (--trace, --schedules, weft simulate) have no states, changes or failure, and its
    violation no values: those are not compared. Returns what differs, '' if nothing."""
    config = initial_config(model)
    sched = violation['schedule']
    ref = state_json(model, config)
    if 'initial_state' in sched and weft_state(sched['initial_state'], ref) != ref:
        return 'the initial state: ' + differ(weft_state(sched['initial_state'], ref), ref)
    last, failed = None, None
    for st in sched['steps']:
        if failed:
            return f'step {st["step"]} after a failing step'
        moves = successors(model, config)
        mine = [new for i, new in moves if i == st['tid']]
        if st['k'] >= len(mine):
            return f'step {st["step"]}: thread {st["tid"]} has {len(mine)} outcomes'
        if st['preemption'] != preempts(last, st['tid'], moves):
            return f'step {st["step"]}: preemption {st["preemption"]}'
        if st['thread'] != model.names[st['tid']]:
            return f'step {st["step"]}: thread {st["thread"]}'
        at = ref['threads'][st['tid']]  # the state before the step
        label = st['label'] if isinstance(at['label'], set) and st['label'] in at['label'] \
            else at['label']  # any of several labels (see weft_state)
        if (st['line'], st['label']) != (at['line'], label):
            return f'step {st["step"]}: line {st["line"]} label {st["label"]}, not {at}'
        new, last = mine[st['k']], st['tid']
        if isinstance(new, Fail):
            if 'failure' in st and (st['failure'] is None or st['failure']['line'] != new.line):
                return f'step {st["step"]}: its failure {st["failure"]}, not line {new.line}'
            failed = new
        else:
            if st.get('failure') is not None:
                return f'step {st["step"]} fails'
            node = model.threads[st['tid']][0][config[2][st['tid']][0]]
            allowed = changes(model, config, new, st['tid'], node)
            if 'changes' in st and st['changes'] not in allowed:
                return f'step {st["step"]}: changes {st["changes"]!r}, not one of {allowed}'
            config = new
        ref = state_json(model, config)
        if 'state' in st and weft_state(st['state'], ref) != ref:
            return f'step {st["step"]}, after it: ' + differ(weft_state(st['state'], ref), ref)
    kind, line = violation['kind'], violation['line']
    prop = None  # the property that breaks (line, label, expression, kind)
    if failed:  # an assert, or a runtime error in a statement
        if (failed.kind, failed.line) != (kind, line):
            return 'ends in a failing step'
    elif kind == 'deadlock':
        done = all(th[0] == END for th in config[2])
        if not deadlock or done or successors(model, config):
            return 'ends in no deadlock'
        if 'blocked' in violation and violation['blocked'] != blocked(model, config):
            return f'blocked: {violation["blocked"]}, not {blocked(model, config)}'
    else:
        if kind == 'final' and any(th[0] != END for th in config[2]):
            return 'the final checked before the end'
        prop = {p[0]: p for p in model_props(model)}.get(line)
        if not prop or property_breaks(model, prop[2], config) != \
                ('error' if kind == 'error' else 'false'):
            return f'ends where {kind} at line {line} does not show'
    if 'description' in violation and not re.fullmatch(viol_text(model, kind, line, prop, config),
                                                        violation['description']):
        return f'its description {violation["description"]!r}'
    if kind in ('invariant', 'final') and 'values' in violation:  # the values that break it
        values = prop_values(model, prop[2], config)
        if violation['values'] != values:
            return f'its values {violation["values"]}, not {values}'
    return ''


def analysis_text(model, answer, bound):
    """The lines of the text report on every schedule, after a complete search (docs/cli.md,
    *The report*): 'outcomes:' with how many end states, each outcome term's values in them
    (ascending, 20 at most, then '(and N more)'), then 'schedules:' (under a bound 'schedules
    of at most N preemptions:') with how many and how many violate, and each outcome's schedules
    (20 at most, then '(and N more outcomes)'); or, when the graph has a cycle, infinitely many
    and how many states violate."""
    def plural(n, one, many):
        return one if str(n) == '1' else many

    def text(v):
        return list_text(v) if isinstance(v, tuple) else str(v)

    outs, terms = answer['outcomes'], list(model.outcome_terms)
    ends = answer['end_states']
    lines = [f'outcomes: {ends} end {plural(ends, "state", "states")} where every thread has '
             'finished' if ends else 'outcomes: no end state where every thread has finished']
    for t, term in enumerate(terms if ends else []):
        values = sorted({o[0][t] for o in outs})
        lines.append(f'  {term}:' + ''.join(' ' + text(v) for v in values[:20]) +
                     (f' (and {len(values) - 20} more)' if len(values) > 20 else ''))
    what = 'schedules' if bound is None else \
        f'schedules of at most {bound} {plural(bound, "preemption", "preemptions")}'
    if answer['schedules'] is None:
        bad = answer['violating_states']
        return lines + [f'{what}: infinitely many (the state graph has a cycle); {bad} ' +
                        plural(bad, 'state violates', 'states violate')]
    bad = answer['violating_schedules']
    lines.append(f'{what}: {answer["schedules"]}, of which {bad} ' +
                 ('violates' if bad == '1' else 'violate'))
    for values, _, _, n, n_bad in outs[:20]:
        lines.append('  ' + ', '.join(f'{term} = {text(v)}' for term, v in zip(terms, values)) +
                     f': {n} {plural(n, "schedule", "schedules")}' +
                     ('' if n_bad == '0' else plural(n, ', violates', ', all violate')
                      if n_bad == n else f', {n_bad} violate' + ('s' if n_bad == '1' else '')))
    return lines + ([f'  (and {len(outs) - 20} more outcomes)'] if len(outs) > 20 else [])


def summary(violations, partial):
    """weft check's exit status and its summary line, after 'MODEL: ' (docs/cli.md, *Exit
    status*, *Summary lines*): 1 with 'violation (final 'fin0', deadlock)', the violations in
    the report's order by viol_name(), three at most and then 'and N more', and what cut the
    search short ('partial': a limit's name, or 'max preemptions' when the bound held a step
    back) after '; search incomplete: '; else 3 with 'incomplete (...)' when it was cut short;
    else 0, 'ok'. --first's stop is no limit."""
    if violations:
        names = ', '.join(viol_name(*v[:3]) for v in violations[:3])
        more = f' and {len(violations) - 3} more' if len(violations) > 3 else ''
        return [1, f'violation ({names}{more}' +
                (f'; search incomplete: {partial}' if partial else '') + ')']
    return [3, f'incomplete ({partial})'] if partial else [0, 'ok']


def summary_unordered(said):
    """A summary line (summary()) as --dfs leaves it comparable: its violations found in another
    order, so the names sorted, or their number alone when some were cut ('and N more')."""
    mt = re.fullmatch(r'violation \((.*?)(?: and (\d+) more)?(; search incomplete: .*)?\)', said[1])
    if not mt:
        return said
    names = mt[1].split(', ')
    listed = f'{len(names) + int(mt[2])} violations' if mt[2] else ', '.join(sorted(names))
    return [said[0], f'violation ({listed}{mt[3] or ""})']


def assert_lines(model, stmts):
    """The lines of the asserts among 'stmts' and inside them, but for those in a 'repeat' of
    no times (compiled for its errors, then dropped: it runs nowhere)."""
    out = []
    for st in stmts:
        while st[0] == 'label':
            st = st[2]
        t = st[0]
        if t == 'assert':
            out.append(model.lines[id(st)])
        bodies = {'atomic': lambda: [st[1]], 'while': lambda: [st[2]], 'choose': lambda: st[1],
                  'repeat': lambda: [st[2]] if model.consts.get(st[1], st[1]) else [],
                  'if': lambda: [arm for _, arm in st[1]] + [st[2] or []],
                  'tryput': lambda: [st[2]], 'tryget': lambda: [st[2]],
                  'trylock': lambda: [st[2]]}.get(t, lambda: [])()
        for body in bodies:
            out += assert_lines(model, body)
    return out


def junit_cases(model, found, incomplete, deadlock, never_ending):
    """The test cases of weft's --junit for the model (docs/ci.md), in order, each [name, how]:
    each invariant and final in the model's order, 'deadlock' (but under --no-deadlock), 'assert
    at line N' for each line of an assert, then 'error at line N' for each runtime error of a
    step found; how: 'failure KIND' with the kind of the first violation found of it (a
    property's own, or an error evaluating it), else 'skipped' after a search that is not whole,
    else 'passed', or for a final, when some states cannot end, the text of its system-out.
    'found': the violations in the order found, as (kind, line, label)."""
    def how(matches):
        got = [kind for kind, line, _ in found if matches(kind, line)]
        return f'failure {got[0]}' if got else 'skipped' if incomplete else 'passed'

    out = []
    for line, label, _, kind in model_props(model):
        h = how(lambda k, n: n == line and k in (kind, 'error'))
        if h == 'passed' and kind == 'final' and never_ending:
            h = (f'runs forever: from {never_ending} state' + 's' * (never_ending != 1) +
                 ' no schedule can end, so this final is not checked on them')
        out.append([viol_name(kind, line, label), h])
    if deadlock:
        out.append(['deadlock', how(lambda k, n: k == 'deadlock')])
    for line in sorted(set(assert_lines(model, sum(model.bodies, [])))):
        out.append([f'assert at line {line}', how(lambda k, n: (k, n) == ('assert', line))])
    props = {p[0] for p in model_props(model)}
    return out + [[f'error at line {line}', 'failure error'] for kind, line, _ in found
                  if kind == 'error' and line not in props]


def final_fails(model, configs, ends, violations):
    """The text report's line under each violated final's schedule, after a complete search
    (docs/cli.md, *The report*, item 3): "final 'fin0' fails in 2 end states: s0 = 1, 3 (5
    counting every variable)": the end states where it is false told apart by its terms' values
    (a term that cannot be evaluated counts as 0), sorted, 20 at most and then 'and N more'
    ('(s0, s1) = (1, 2), ...' for several terms), and how many configurations they are when
    that differs. No line for a final without terms or with a whole array among them."""
    out = []
    props = {p[0]: p for p in model_props(model)}
    for kind, line, label in (v[:3] for v in violations):
        if kind != 'final':
            continue
        prop, terms = props[line], {}
        prop_terms(prop[2], terms)
        if not terms or ('whole a',) in terms.values():
            continue
        bad = {configs[k] for k, _ in ends if property_breaks(model, prop[2], configs[k]) ==
               'false'}
        seen = sorted({tuple(0 if v['value'] is None else int(v['value'])
                             for v in prop_values(model, prop[2], c)) for c in bad})
        several = len(terms) > 1
        shown = ', '.join(('(' + ', '.join(map(str, t)) + ')') if several else str(t[0])
                          for t in seen[:20])
        out.append(f'{viol_name(kind, line, label)} fails in {len(seen)} end state' +
                   's' * (len(seen) != 1) + ': ' +
                   ('(' + ', '.join(terms) + ')' if several else ', '.join(terms)) + ' = ' +
                   shown + (f' and {len(seen) - 20} more' if len(seen) > 20 else '') +
                   (f' ({len(bad)} counting every variable)' if len(bad) != len(seen) else ''))
    return out


def first_step(stmts, consts):
    """The statement that statements 'stmts' run first, the one that may block a step made of
    them (its guard: docs/language.md; labels, atomic, repeat and jumps are not steps), and how
    they end when none runs: (statement, None), or (None, 'break', 'continue', 'return' or None
    when they fall through)."""
    for st in stmts:
        while st[0] == 'label':
            st = st[2]
        if st[0] in ('break', 'continue', 'return'):
            return None, st[0]
        if st[0] == 'atomic':
            got, how = first_step(st[1], consts)
            if got or how:
                return got, how
        elif st[0] == 'repeat':  # a break leaves it, a continue goes on to the next time
            for _ in range(consts.get(st[1], st[1])):
                got, how = first_step(st[2], consts)
                if got or how == 'return':
                    return got, how
                if how == 'break':
                    break
        else:
            return st, None
    return None, None


def blocked(model, config):
    """The text report's 'blocked:' lines of a deadlock in 'config' (docs/cli.md): each thread
    not finished, in order, as [name, 'line L', why]: "asleep on 'c'", "'m' is held by t1" (or
    by t1 itself, not reentrant), "'q' is full", "'q' is empty", 'the condition is false' (its
    step's guard)."""
    out = []
    for i, (pc, status, _) in enumerate(config[2]):
        if pc == END:
            continue
        n = model.threads[i][0][pc]
        line = state_json(model, config)['threads'][i]['line']
        guard = ('lock', n['st'][2]) if status == WOKEN else None if status == SLEEPING else \
            first_step(n['body'], model.consts)[0] if n['t'] == 'atomic' else n['st']
        why = 'blocked'
        if status == SLEEPING:
            why = f"asleep on '{n['st'][1]}'"
        elif guard and guard[0] == 'lock':
            owner = config[1][MUTEXES.index(guard[1])]
            why = f"'{guard[1]}' is held by " + (
                'nobody' if owner is None else f'{model.names[i]} itself (a mutex is not '
                'reentrant)' if owner == i else model.names[owner])
        elif guard and guard[0] in ('put', 'get'):
            why = f"'{guard[-1]}' is " + ('full' if guard[0] == 'put' else 'empty')
        elif guard and guard[0] == 'await':
            why = 'the condition is false'
        out.append([model.names[i], f'line {line}', why])
    return out


def model_props(model):
    """The model's invariants and finals in its order: (line, label, expression, kind)."""
    return sorted([(line, label, e, 'invariant') for line, label, e in model.invariants] +
                  [(line, label, e, 'final') for line, label, e in model.finals])


def viol_text(model, kind, line, prop, config):
    """A regular expression for weft's text of a violation that shows in 'config' (docs/cli.md:
    the report's 'violation:' line, the JSON description, replay's 'violation confirmed:'): an
    invariant or final with its text and the values of its terms there, an assert with its
    statement as written (also inside an atomic block), an error (of a step, or evaluating
    'prop': (line, label, expression, kind)), a deadlock. An error's message is weft's own text:
    not compared."""
    if kind in ('invariant', 'final'):
        values = ', '.join(f'{v["text"]} = ' + (
            '?' if v['value'] is None else list_text(v['value'])
            if isinstance(v['value'], list) else str(int(v['value'])))
            for v in prop_values(model, prop[2], config))
        return re.escape(f'{viol_name(kind, line, prop[1])} ({expr_text(prop[2])}) breaks' +
                         (' with ' + values if values else ''))
    if kind == 'assert':
        st = next(st for st in model.reg if st[0] == 'assert' and model.lines[id(st)] == line)
        return re.escape(f'assert at line {line} (assert {expr_text(st[1])}) fails')
    if kind == 'error' and prop:
        return f'error at line {line}: .*' + re.escape(
            f' (evaluating {viol_name(prop[3], prop[0], prop[1])})')
    if kind == 'error':
        return f'error at line {line}: (?!.*\\(evaluating ).*'
    return re.escape('deadlock: every unfinished thread is blocked')


def prop_values(model, prop, config):
    """The values weft gives of property 'prop''s terms (prop_terms()) in 'config': a list of
    {'text', 'value'}, the value None where it cannot be evaluated, a whole array a list."""
    terms = {}
    prop_terms(prop, terms)
    env = Env(model, -1, 0, dict(zip(model.shared, config[0])), {}, config[1], config[3], [],
              ths=config[2])
    values = []
    for text, e in terms.items():
        try:
            v = [env.shared[f'a[{j}]'] for j in range(ARRAY)] if e == ('whole a',) \
                else value(e, env)
        except EvalError:
            v = None
        values.append({'text': text, 'value': v})
    return values


def fewest_preemptions(moves_of, shows):
    """--fewest-preemptions: for each violation, (preemptions, steps, schedule) of the cheapest
    schedule to where it shows (a state that shows it, or a failing step), ordered by
    preemptions, then steps, then the tie-break rule (the sequence of thread and outcome,
    lowest first). Dijkstra over (state, the last step's thread) with the whole triple as the
    cost: a schedule extended by one step keeps its order among those to the same node, so the
    first time a violation is reached is its cheapest."""
    cheapest = {}
    heap = [(0, 0, (), 0, -1)]  # preemptions, steps, schedule, state (-1: a failing step), last
    done = set()
    while heap:
        p, n, sched, u, last = heapq.heappop(heap)
        if u < 0:  # a failing step: 'last' is its violation
            cheapest.setdefault(last, (p, n, sched))
            continue
        if (u, last) in done:
            continue
        done.add((u, last))
        for key in shows[u]:
            cheapest.setdefault(key, (p, n, sched))
        can_go_on = any(i == last for i, _, _ in moves_of[u])
        for i, k, to in moves_of[u]:
            step = (p + (i != last and can_go_on), n + 1, sched + ((i, k),))
            if isinstance(to, Fail):
                heapq.heappush(heap, step + (-1, (to.kind, to.line, None)))
            elif (to, i) not in done:
                heapq.heappush(heap, step + (to, i))
    return cheapest


def enumerate_schedules(moves_of, shows, most):
    """--schedules K: up to 'most' violating schedules (docs/schedules.md), each a (schedule,
    violation) and cut where its violation first shows (a state that shows one: the first it
    shows; a failing step), found depth first from the initial state with each state's steps in
    tie-break order, never entering a state of the current path, and entering a state only when
    a violation can be reached from it without passing one."""
    def reaches(u, barred):  # a violation shows at or after u, not passing a barred state
        seen, todo = {u}, [u]
        while todo:
            x = todo.pop()
            if shows[x] or any(isinstance(to, Fail) for _, _, to in moves_of[x]):
                return True
            for _, _, to in moves_of[x]:
                if to not in seen and to not in barred:
                    seen.add(to)
                    todo.append(to)
        return False

    found, steps, on_path = [], [], {0}

    def walk(u):  # true once 'most' are found
        if shows[u]:
            found.append((tuple(steps), shows[u][0]))
            return len(found) == most
        for i, k, to in moves_of[u]:
            if isinstance(to, Fail):
                found.append((tuple(steps) + ((i, k),), (to.kind, to.line, None)))
                if len(found) == most:
                    return True
            elif to not in on_path and reaches(to, on_path):
                on_path.add(to)
                steps.append((i, k))
                if walk(to):
                    return True
                steps.pop()
                on_path.remove(to)
        return False

    if reaches(0, set()):
        walk(0)
    return found


def points_of_no_return(model, configs, moves_of, shows):
    """--causes (docs/schedules.md): None when the initial state is doomed, else each point of
    no return as (the schedule's steps up to and including the point, the point's thread and
    line, the rest of the schedule, the violation it ends in). A state is doomed when it shows a
    violation, or has a step and each of its steps fails or leads to a doomed state (the least
    such set). Breadth first over the states that are not doomed, each state's steps in
    tie-break order, a failing step or a step into a doomed state is a point of no return,
    reported once per statement (the thread's template and the step's line), the first found;
    its schedule is the first shortest to the point's state (over states not doomed), the step,
    then the first shortest from there to where a violation shows (a state that shows one: its
    first; a failing step)."""
    n = len(moves_of)
    preds = [[] for _ in range(n)]
    left = [0] * n  # each state's steps to states not (yet) doomed
    for u in range(n):
        for _, _, to in moves_of[u]:
            if not isinstance(to, Fail):
                preds[to].append(u)
                left[u] += 1
    doomed = [bool(shows[u]) or (bool(moves_of[u]) and left[u] == 0) for u in range(n)]
    todo = [u for u in range(n) if doomed[u]]
    while todo:
        w = todo.pop()
        for u in preds[w]:
            left[u] -= 1
            if not doomed[u] and left[u] == 0:
                doomed[u] = True
                todo.append(u)
    if doomed[0]:
        return None

    def bfs_path(parent, u):  # path() over a dict of parents, as (thread, outcome)
        return [(i, k) for _, i, k in path(parent, u)]

    def to_violation(v):  # the first shortest from v to where a violation shows
        if shows[v]:
            return [], shows[v][0]
        parent, queue = {v: None}, [v]
        for u in queue:
            for i, k, to in moves_of[u]:
                if isinstance(to, Fail):
                    return bfs_path(parent, u) + [(i, k)], (to.kind, to.line, None)
                if to not in parent:
                    parent[to] = (u, i, k)
                    queue.append(to)
                    if shows[to]:
                        return bfs_path(parent, to), shows[to][0]
        raise AssertionError('a doomed state from which no violation shows')

    template = [re.sub(r'\[\d+\]$', '', name) for name in model.names]
    points, known = [], set()
    parent, queue = {0: None}, [0]
    for u in queue:
        for i, k, to in moves_of[u]:
            if isinstance(to, Fail) or doomed[to]:
                line = state_json(model, configs[u])['threads'][i]['line']
                if (template[i], line) in known:
                    continue
                known.add((template[i], line))
                rest, key = ([], (to.kind, to.line, None)) if isinstance(to, Fail) \
                    else to_violation(to)
                points.append((bfs_path(parent, u) + [(i, k)], i, line, rest, key))
            elif to not in parent:
                parent[to] = (u, i, k)
                queue.append(to)
    return points


M64 = (1 << 64) - 1


def splitmix64(state):
    """weft simulate's generator (docs/cli.md): the next state, and the number it gives."""
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = ((state ^ (state >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def first_broken(model, config):
    """The first property in the model's order that 'config' breaks (a final only when every
    thread has finished), as (kind, line, label): ('error', line, None) when it cannot be
    evaluated; None when none breaks."""
    done = all(th[0] == END for th in config[2])
    for line, label, prop, kind in model_props(model):
        if kind == 'final' and not done:
            continue
        breaks = property_breaks(model, prop, config)
        if breaks:
            return (kind, line, label) if breaks == 'false' else ('error', line, None)
    return None


def simulate(model, seed, max_steps, deadlock):
    """One random run as 'weft simulate --seed SEED --steps MAX_STEPS' makes it (docs/cli.md): in
    each state, one of every thread's every outcome in tie-break order, picked by the generator
    (the number modulo how many); it stops at a violation (an invariant in any state, a final at
    the end, a failing step, a deadlock), at the end, where no thread can move (deadlock false),
    or after max_steps. Returns (steps, end, violation, the last state): each step a (thread,
    outcome, line, label, preempts), the end 'violation', 'finished', 'blocked' or 'steps'; after
    a failing step the last state is the one before it."""
    config, rng = initial_config(model), seed
    steps, last = [], None
    broken = first_broken(model, config)
    while not broken and len(steps) < max_steps:
        moves = successors(model, config)
        if not moves:
            break
        rng, r = splitmix64(rng)
        pick = r % len(moves)
        i, new = moves[pick]
        at = state_json(model, config)['threads'][i]
        k = sum(1 for j, _ in moves[:pick] if j == i)
        steps.append((i, k, at['line'], at['label'], preempts(last, i, moves)))
        last = i
        if isinstance(new, Fail):
            return steps, 'violation', (new.kind, new.line, None), config
        config = new
        broken = first_broken(model, config)
    if broken:
        return steps, 'violation', broken, config
    if all(th[0] == END for th in config[2]):
        return steps, 'finished', None, config
    if not successors(model, config):
        return steps, 'violation' if deadlock else 'blocked', \
            ('deadlock', None, None) if deadlock else None, config
    return steps, 'steps', None, config


SIM_STEP = re.compile(r'\s*(\d+)  (\S+)\s+(\S+)\s+line (\d+)\s')
SIM_ENDS = {'violation:': 'violation', 'end: every thread finished': 'finished',
            'end: no thread can move': 'blocked', 'end: --steps': 'steps'}


def steps_differ(model, steps, shown):
    """What differs between simulate()'s steps and the step lines of weft's text report, each
    (step, thread, label or '-', line): '' if nothing."""
    for n, (st, got) in enumerate(zip(steps, shown + [None] * len(steps)), 1):
        label = got and (None if got[2] == '-' else got[2])
        if isinstance(st[3], set) and label in st[3]:
            label = st[3]
        if got is None or (got[0], got[1], label, got[3]) != \
                (str(n), model.names[st[0]], st[3], str(st[2])):
            return f'step {n}: {got}, not {model.names[st[0]]} label {st[3]} line {st[2]}'
    return ''


def runs_report(model, path, first, runs, max_steps, deadlock):
    """What 'weft simulate --runs RUNS --seed FIRST' prints (docs/cli.md), made here from
    simulate()'s runs: the lines but the shortest violating run's steps, its 'violation:' line
    cut after the colon; and that run's steps."""
    def plural(n, word):
        return f'{n} {word}' + ('' if n == 1 else 's')

    made = [(seed,) + simulate(model, seed, max_steps, deadlock)
            for seed in range(first, first + runs)]
    bad = [m for m in made if m[2] == 'violation']
    head = f'simulation of {path}: {plural(runs, "run")}, seeds {first} to {first + runs - 1}: '
    out = [head + (f'{len(bad)} violate' + ('s' if len(bad) == 1 else '') if bad
                   else 'none violates')]
    shortest = min(bad, key=lambda m: (len(m[1]), m[0])) if bad else (0, [])
    if bad:
        seed, steps = shortest[:2]
        out += [f'shortest violating run: seed {seed}, {plural(len(steps), "step")}, '
                f'{plural(sum(st[4] for st in steps), "preemption")} '
                f'(--seed {seed} alone gives it again)', 'violation:', '',
                f'violations: {len(bad)} of {plural(runs, "run")}']
        kinds = collections.Counter(m[3] for m in bad)  # in the order first seen
        for (kind, line, label), n in kinds.items():
            out.append(f'  {viol_name(kind, line, label)}: {plural(n, "run")}')
    groups = {}  # the runs where every thread finished, by their outcome terms' values
    for seed, steps, end, violation, config in made:
        if all(th[0] == END for th in config[2]):  # never after a failing step (its thread)
            key = tuple(term(config) for term in model.outcome_terms.values())
            g = groups.setdefault(key, [0, 0])
            g[0] += 1
            g[1] += end == 'violation'
    ends = sum(g[0] for g in groups.values())
    out.append(f'outcomes: {plural(ends, "run")} where every thread finished' if ends
               else 'outcomes: no run where every thread finished')
    for key, (n, n_bad) in sorted(groups.items())[:20]:
        values = ', '.join(f'{name} = ' + (list_text(v) if isinstance(v, tuple) else str(v))
                           for name, v in zip(model.outcome_terms, key))
        out.append(f'  {values}: {plural(n, "run")}' +
                   (('' if n_bad == 0 else f', {n_bad} violate' + ('s' if n_bad == 1 else '')
                     if n_bad < n else
                     ', violates' if n == 1 else ', all violate')))
    if len(groups) > 20:
        out.append(f'  (and {len(groups) - 20} more outcomes)')
    stopped = sum(m[2] == 'steps' for m in made)
    if stopped:
        out.append(f'stopped by --steps {max_steps}: {plural(stopped, "run")}, '
                   'no violation so far')
    blocked = sum(m[2] == 'blocked' for m in made)
    if blocked:
        out.append('no thread could move (deadlocks not reported: --no-deadlock): ' +
                   plural(blocked, 'run'))
    if not bad:
        out.append("a random run proves nothing: 'weft check' explores every schedule")
    return out, shortest[1]


def simulate_runs_differs(weft, path, model, first, runs, max_steps, options):
    """What differs between 'weft simulate --runs' and runs_report() ('' if nothing)."""
    want, steps = runs_report(model, path, first, runs, max_steps,
                              '--no-deadlock' not in options)
    p = subprocess.run([weft, 'simulate', path, '--seed', str(first), '--runs', str(runs),
                        '--steps', str(max_steps), '--progress', 'never'] + options,
                       capture_output=True, text=True, timeout=300)
    lines = p.stdout.splitlines()
    if p.returncode != (1 if len(want) > 1 and want[1].startswith('shortest') else 0):
        return f'status {p.returncode}: {p.stdout[-300:]} {p.stderr[:300]}'
    shown = [m.groups() for m in map(SIM_STEP.match, lines) if m]
    got = [line if not line.startswith('violation: ') else 'violation:'
           for line in lines if not SIM_STEP.match(line)]
    if got != want:
        diff = [(a, b) for a, b in zip(got + [None] * len(want), want + [None] * len(got))
                if a != b]
        return f'weft {diff[0][0]!r}, here {diff[0][1]!r}'
    return steps_differ(model, steps, shown)


def simulate_differs(weft, path, model, seed, max_steps, options):
    """What differs between 'weft simulate' and simulate() for one seed ('' if nothing): the
    header's steps and preemptions, each step's thread, label and line, how the run ends, and
    for a violating run its --trace: its steps (thread and outcome), its violation, and the
    trace replayed here (replay())."""
    deadlock = '--no-deadlock' not in options
    steps, end, violation, _ = simulate(model, seed, max_steps, deadlock)
    trace = path + '.trace.json'
    p = subprocess.run([weft, 'simulate', path, '--seed', str(seed), '--steps', str(max_steps),
                        '--trace', trace, '--progress', 'never'] + options,
                       capture_output=True, text=True, timeout=120)
    lines = p.stdout.splitlines()
    head = re.match(r'simulation of .*: seed (\d+), (\d+) steps?, (\d+) preemptions?$',
                    lines[0] if lines else '')
    if p.returncode != (1 if end == 'violation' else 0) or not head:
        return f'status {p.returncode}: {p.stdout[-300:]} {p.stderr[:300]}'
    want = (str(seed), str(len(steps)), str(sum(st[4] for st in steps)))
    if head.groups() != want:
        return f'{lines[0]}, not seed {want[0]}, {want[1]} steps, {want[2]} preemptions'
    shown = [m.groups() for m in map(SIM_STEP.match, lines[1:]) if m]
    why = steps_differ(model, steps, shown)
    if why:
        return why
    how = [v for k, v in SIM_ENDS.items() if lines[-1].startswith(k)]
    if len(shown) != len(steps) or how != [end]:
        return f'{len(shown)} steps, ending {lines[-1]!r}, not {len(steps)} ending {end}'
    if not os.path.exists(trace):
        return 'no trace written' if end == 'violation' else ''
    with open(trace) as f:
        t = json.load(f)
    os.unlink(trace)
    if end != 'violation':
        return 'a trace written without a violation'
    if [[x['tid'], x['k']] for x in t['steps']] != [[st[0], st[1]] for st in steps]:
        return f'the trace\'s steps {t["steps"]}'
    if trace_violation(t['violation']) != list(violation):
        return f'the trace\'s violation {t["violation"]}, not {violation}'
    return replay(model, dict(t['violation'], schedule=t), deadlock)


def list_text(values):
    """'[1, 2]': an array's or a queue's value as weft's text shows it."""
    return '[' + ', '.join(map(str, values)) + ']'


def viol_name(kind, line, label):
    """A violation as weft's text names it: 'deadlock', "final 'fin0'" (a labelled invariant or
    final), 'final at line 12', 'assert at line 9', 'error at line 9'."""
    if kind == 'deadlock':
        return kind
    return f"{kind} '{label}'" if label and kind in ('invariant', 'final') else \
        f'{kind} at line {line}'


def any_of(texts):
    """A regular expression that matches each of 'texts' and nothing else."""
    return '(?:' + '|'.join(map(re.escape, sorted(texts))) + ')'


def state_text(model, config):
    """A regular expression for the line 'weft replay' prints of a state (docs/cli.md): the
    shared variables, the mutexes' owners and the queues; then, each after ' | ', the threads:
    name, 'done' or 'line L' with its label and "(asleep on 'c')", and its locals. A thread
    whose position several labels name, none its statement's own, may show any of them."""
    ref = state_json(model, config)
    sh = ref['shared']
    parts = [f's0 = {sh["s0"]}', f's1 = {sh["s1"]}', 'a = ' + list_text(sh['a'])]
    parts += [f'{m} = ' + (owner or 'free') for m, owner in ref['mutexes'].items()]
    parts += [f'{q} = ' + list_text(held) for q, held in ref['queues'].items()]
    out = re.escape(', '.join(parts))
    for i, th in enumerate(ref['threads']):
        locs = th['locals']
        tail = ([f'l0 = {locs["l0"]}'] if 'l0' in locs else []) + \
            (['h = ' + list_text(locs['h'])] if 'h' in locs else [])
        tail = ': ' + ', '.join(tail) if tail else ''
        if th['status'] == 'done':
            heads = [th['name'] + ' done']
        else:
            label = th['label']
            asleep = f" (asleep on '{model.threads[i][0][config[2][i][0]]['st'][1]}')" \
                if th['status'] == 'asleep' else ''
            heads = [f'{th["name"]} line {th["line"]}' + (f' {x}' if x else '') + asleep
                     for x in (label if isinstance(label, set) else [label])]
        out += r' \| ' + any_of(head + tail for head in heads)
    return out


def random_trace(model, r):
    """A trace for 'weft replay' (docs/json.md), written here: a random walk of up to 25 steps
    (each one of every thread's every outcome, up to a failing step or a state where no thread
    can move), now and then one step more past its end; its violation the one that shows where
    it ends, or any the model could name, or one it cannot (a label or a line it lacks); and,
    one time in three, one thing wrong: a step's thread changed, an unknown thread, a thread's
    index, a statement that is not the model's, an outcome out of range, or a constant's value
    or name. Its steps give thread, tid and k (and the wrong statement its line), as a trace
    written by hand may; one in five also a label, a line and a preemption, all wrong: replay
    reads none of them (the line only to name the wrong statement's)."""
    config, steps, failed = initial_config(model), [], None
    for _ in range(r.randint(0, 25)):
        moves = successors(model, config)
        if not moves:
            break
        pick = r.randrange(len(moves))
        i, new = moves[pick]
        steps.append({'thread': model.names[i], 'tid': i,
                      'k': sum(1 for j, _ in moves[:pick] if j == i)})
        if isinstance(new, Fail):
            failed = new
            break
        config = new
    if r.random() < 0.15:  # past the end: after a failing step, or where no thread could move
        t = r.randrange(len(model.names))
        steps.append({'thread': model.names[t], 'tid': t, 'k': 0})
    props = [('invariant', line, label) for line, label, _ in model.invariants] + \
        [('final', line, label) for line, label, _ in model.finals]
    labels = {line: label for _, line, label in props}
    claim = None
    if failed:
        claim = (failed.kind, failed.line, None)
    elif first_broken(model, config):
        kind, line, label = first_broken(model, config)
        claim = (kind, line, labels[line] if kind == 'error' and r.random() < 0.5 else label)
    elif all(th[0] == END for th in config[2]) or successors(model, config):
        claim = None
    else:
        claim = ('deadlock', 0, None)
    lines = sorted(set(model.lines.values()))
    if claim is None or r.random() < 0.5:  # another: maybe one the model has not
        choice = r.random()
        if props and choice < 0.5:
            kind, line, label = r.choice(props)
            if r.random() < 0.1:
                label, line = (None, line + 1) if r.random() < 0.5 else ('nope', line)
            claim = (kind, line, label) if r.random() < 0.8 else \
                ('error', line, label if r.random() < 0.5 else None)
        elif choice < 0.6:
            claim = ('deadlock', 0, None)
        else:
            claim = (r.choice(['assert', 'error']), r.choice(lines), None)
    mistake = r.randrange(18) if steps else 6 + r.randrange(12)
    if mistake < 6:
        j = r.randrange(len(steps))
        if mistake < 2:  # another thread, maybe another outcome
            t = r.randrange(len(model.names))
            steps[j] = {'thread': model.names[t], 'tid': t, 'k': r.choice([0, 0, 1])}
        elif mistake == 2:
            steps[j]['thread'] = 'nobody'
        elif mistake == 3:
            steps[j]['tid'] = (steps[j]['tid'] + 1) % len(model.names)
        elif mistake == 4:
            steps[j].update(statement='no such statement', line=r.randint(1, 99))
        else:
            steps[j]['k'] = r.randint(1, 4)
    constants = dict(model.consts)
    if mistake == 6 and constants:
        name = r.choice(sorted(constants))
        if r.random() < 0.5:
            constants[name] += r.randint(1, 2)
        elif r.random() < 0.5:
            del constants[name]
        else:
            constants['Z'] = 1
    if r.random() < 0.2:  # fields replay does not read, wrong (docs/json.md)
        for st in steps:
            st.update(label='nowhere', preemption=True, line=st.get('line', 0) + 1000)
    kind, line, label = claim
    return {'format': 'weft-trace', 'version': 1, 'model': 'model.weft', 'constants': constants,
            'violation': {'kind': kind, 'property': label, 'line': line, 'message': None},
            'steps': [dict(step=n, **st) for n, st in enumerate(steps, 1)]}


def replay_expected(model, path, trace_path, t):
    """What 'weft replay PATH TRACE_PATH' does with trace t (docs/cli.md): (2, a regular
    expression for its one line on stderr) when the trace does not fit the model; else its exit
    status (1 when the violation is confirmed, 0 when not) and a regular expression for each
    line it prints: the initial state, each step (number, thread, label, line, then after the
    statement what it changed, or 'fails at line L') and the state after it, the number of
    steps and preemptions, and the verdict. Statements and runtime errors' messages are weft's
    own text: not compared."""
    def refused(why):
        return 2, f'weft: {re.escape(trace_path)}: ' + why

    consts = t['constants']
    for name, v in consts.items():
        if name not in model.consts:
            return refused(re.escape(f"the trace was recorded with const {name}, which "
                                     f"'{os.path.basename(path)}' does not declare"))
        if model.consts[name] != v:
            return refused(re.escape(f'the trace was recorded with {name} = {v}, the model has '
                                     f'{name} = {model.consts[name]} (use -D {name}={v})'))
    for name in model.consts:
        if name not in consts:
            return refused(re.escape(f'the model declares const {name}, which the trace does '
                                     'not record'))
    kind, label, line = (t['violation'][x] for x in ('kind', 'property', 'line'))
    prop = None  # the property it names: (line, label, expression, kind)
    if kind in ('invariant', 'final', 'error'):
        for p in model_props(model):
            if (kind == 'error' or p[3] == kind) and \
                    (p[1] == label if label else p[1] is None and p[0] == line):
                prop, line = p, p[0]
                break
        if prop is None and label:
            return refused(re.escape(f"the model has no "
                                     f"{'property' if kind == 'error' else kind} '{label}'"))
        if prop is None and kind != 'error':
            return refused(re.escape(f'the model has no unlabelled {kind} at line {line}'))
    config = initial_config(model)
    out = [re.escape(f'replay of {trace_path} on {path}'), '  initial state: ' +
           state_text(model, config)]
    last, failed, diverged, ran, preempted = None, None, None, 0, 0
    for n, st in enumerate(t['steps'], 1):
        if st['thread'] not in model.names:
            return refused(re.escape(f"step {n}: unknown thread '{st['thread']}'"))
        tid = model.names.index(st['thread'])
        if st['tid'] != tid:
            return refused(re.escape(f"step {n}: thread '{st['thread']}' has index {tid} in the "
                                     f"model, not {st['tid']}"))
        at = state_json(model, config)['threads'][tid]
        if 'statement' in st:  # never the model's: see random_trace()
            diverged = re.escape(f"step {n}: the trace has {st['thread']} run "
                                 f"'{st['statement']}' (line {st['line']}), the model has it "
                                 "at '") + r".*' \(line " + str(at['line']) + r'\)'
            break
        if at['status'] == 'done':
            return refused(re.escape(f"step {n}: thread '{st['thread']}' has finished"))
        moves = successors(model, config)
        mine = [new for i, new in moves if i == tid]
        if not mine:
            return refused(re.escape(f"step {n}: thread '{st['thread']}' cannot move (its step "
                                     f"at line {at['line']} '") + r".*' is not enabled\)")
        if st['k'] >= len(mine):
            return refused(re.escape(f"step {n}: outcome k = {st['k']} is out of range (the "
                                     f"step at line {at['line']} '") + ".*" + re.escape(
                f"' has {len(mine)} outcome" + ('' if len(mine) == 1 else 's') + ')'))
        new, ran = mine[st['k']], n
        preempted += preempts(last, tid, moves)
        last = tid
        label_ = at['label']
        row = f'{n:4d}  {re.escape(st["thread"])} +' + any_of(
            x or '-' for x in (label_ if isinstance(label_, set) else [label_])) + \
            f' +line {at["line"]} +.*  '
        if isinstance(new, Fail):
            out += [row + f'fails at line {new.line}: .*', '      state: ' +
                    state_text(model, config)]
            failed = new
            if n < len(t['steps']):
                diverged = f'step {n}: ' + ('the assert fails' if new.kind == 'assert' else
                                            'error') + f' at line {new.line}: .*; the schedule ' \
                    fr'cannot go on \(the trace has {len(t["steps"])} steps\)'
            break
        node = model.threads[tid][0][config[2][tid][0]]
        out.append(row + any_of(changes(model, config, new, tid, node)))
        config = new
        out.append('      state: ' + state_text(model, config))
    out.append(f'{ran} step' + 's' * (ran != 1) + f', {preempted} preemption' +
               's' * (preempted != 1))
    if diverged:
        return 0, out + ['not confirmed: the schedule diverged at ' + diverged]
    done = all(th[0] == END for th in config[2])
    breaks = prop and property_breaks(model, prop[2], config)
    confirmed = False
    if kind in ('invariant', 'final'):
        confirmed = breaks == 'false' and (kind == 'invariant' or done)
    elif kind in ('assert', 'error'):
        if prop and breaks != 'error' and not prop[1]:
            prop = None  # an unlabelled property's line: a failing step's there
        confirmed = breaks == 'error' if prop else \
            bool(failed) and (failed.kind, failed.line) == (kind, line)
    elif kind == 'deadlock':
        confirmed = not failed and not done and not successors(model, config)
    if confirmed:
        return 1, out + ['violation confirmed: ' + viol_text(model, kind, line, prop, config)]
    n = len(t['steps'])
    return 0, out + [re.escape(
        f'not confirmed: the schedule ends after {n} step' + 's' * (n != 1) + ' with no ' +
        ('deadlock' if kind == 'deadlock' else 'such violation') +
        f' ({viol_name(kind, line, prop and prop[1])})')]


def replay_differs(weft, path, model, t, options, own=None):
    """What differs between 'weft replay' of trace t and replay_expected() ('' if nothing). With
    own, t is a trace weft wrote itself, own = (TRACE, TEXT): replayed from the file TRACE as it
    is, or when TRACE is '-' from TEXT on weft's standard input; its steps' statements are the
    model's (taken here as ones it has not: left out of what replay_expected() reads), and weft
    must confirm its violation."""
    trace, text = own or (path + '.replay.json', None)
    if not own:
        with open(trace, 'w') as f:
            json.dump(t, f, indent=1)
    name = '<stdin>' if trace == '-' else trace
    status, want = replay_expected(model, path, name, dict(t, steps=[
        {k: v for k, v in st.items() if k != 'statement' or not own} for st in t['steps']]))
    if own and status != 1:
        return f'not confirmed here (status {status}): {want[-1] if status else want}'
    p = subprocess.run([weft, 'replay', path, trace] + options, input=text, capture_output=True,
                       text=True, timeout=60)
    if p.returncode != status:
        return f'status {p.returncode}, not {status}: {p.stdout[-300:]} {p.stderr[:300]}'
    if status == 2:
        return '' if re.fullmatch(want, p.stderr.rstrip('\n')) and not p.stdout else \
            f'{p.stderr!r}, not /{want}/'
    got = p.stdout.splitlines()
    for n in range(max(len(got), len(want))):
        line, w = (got[n] if n < len(got) else None), (want[n] if n < len(want) else None)
        if line is None or w is None or not re.fullmatch(w, line):
            return f'line {n + 1}: weft {line!r}, not /{w}/'
    return '' if not p.stderr else f'stderr {p.stderr[:300]!r}'


def never_ending(edges):
    """The states no schedule can end from: none reaches a state without steps (every thread
    finished, or a deadlock) or a failing step."""
    preds = [[] for _ in edges]
    can_end = [not out or None in out for out in edges]
    for u, out in enumerate(edges):
        for w in out:
            if w is not None:
                preds[w].append(u)
    todo = [u for u in range(len(edges)) if can_end[u]]
    while todo:
        w = todo.pop()
        for u in preds[w]:
            if not can_end[u]:
                can_end[u] = True
                todo.append(u)
    return [k for k, can in enumerate(can_end) if not can]


def outcomes(model, order, edges, broken, ends, acyclic):
    """The end states grouped by the values of the model's outcome terms, sorted: (the values,
    one of them breaks a property, end states, schedules that end in them, of which violate),
    the two counts as strings, None if the graph has a cycle."""
    prefixes = viol = None
    if acyclic:  # schedule prefixes into each state, in a topological order (Kahn's)
        into = [0] * len(order)
        for out in edges:
            for w in out:
                if w is not None:
                    into[w] += 1
        prefixes, viol = [0] * len(order), [0] * len(order)
        prefixes[0] = 1
        viol[0] = int(broken[0])
        ready = [0]
        while ready:
            u = ready.pop()
            for w in edges[u]:
                if w is None:
                    continue
                prefixes[w] += prefixes[u]
                viol[w] += viol[u]
                into[w] -= 1
                if into[w] == 0:
                    if broken[w]:  # every prefix through it violates
                        viol[w] = prefixes[w]
                    ready.append(w)
    groups = {}
    for k, breaks in ends:  # under a preemption bound, one configuration may be several states
        key = tuple(term(order[k]) for term in model.outcome_terms.values())
        g = groups.setdefault(key, [False, set(), 0, 0])
        g[0] |= breaks
        g[1].add(order[k])
        if acyclic:
            g[2] += prefixes[k]
            g[3] += prefixes[k] if breaks else viol[k]
    return [(key, g[0], len(g[1])) +
            ((str(g[2]), str(g[3])) if acyclic else (None, None))
            for key, g in sorted(groups.items())]


def path(parent, k):
    """The first shortest schedule to state k, found breadth first with the threads in order
    and each thread's outcomes in order: the tie-break rule of docs/language.md section 7. A
    list of (state before, thread, outcome)."""
    steps = []
    while parent[k] is not None:
        steps.append(parent[k])
        k = parent[k][0]
    return steps[::-1]


def preempts(last, thread, moves):
    """Whether a step of 'thread' preempts: the last step's thread is another, and could have
    gone on ('moves': successors() of the state before the step)."""
    return last is not None and thread != last and any(i == last for i, _ in moves)


def preemptions(model, order, steps):
    """The preemptions of a schedule, a list of (state before, thread, outcome): steps by
    another thread right after a step of a thread that had not finished and could have gone
    on."""
    return sum(preempts(before, thread, successors(model, order[at]))
               for (_, before, _), (at, thread, _) in zip(steps, steps[1:]))


def count_schedules(edges, bad, broken):
    """(schedules, violating schedules) from the initial state, as strings; (None, None) if the
    graph has a cycle. A schedule ends in a state without steps or with a failing step; it
    violates if it passes a state that breaks the invariant, or ends in a violation."""
    count, viol = [None] * len(edges), [None] * len(edges)
    colour = [0] * len(edges)  # 0 new, 1 on the path, 2 done
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
                return None, None
            colour[w] = 1
            stack.append((w, 0))
            continue
        stack.pop()
        colour[u] = 2
        if not edges[u]:
            count[u], viol[u] = 1, int(bad[u])
            continue
        count[u] = sum(1 if w is None else count[w] for w in edges[u])
        viol[u] = count[u] if broken[u] else sum(1 if w is None else viol[w] for w in edges[u])
    return str(count[0]), str(viol[0])


def gen_range(r):
    return r.randint(-2, 0), r.randint(0, 2)  # the initial value 0 always fits


def make_model(seed):
    r = random.Random(seed)
    m = Model()
    # Half the models are tame: no division, no index out of bounds, no range, locks in pairs,
    # few asserts; so that most of their schedules run to the end (in a wild one, few do).
    tame = r.random() < 0.5
    for name in ('s1', 'a', 'q', 'l0', 'h'):  # l0, h: every thread's
        if r.random() < 0.3 and not tame:
            m.ranges[name] = gen_range(r)

    def rng(name):
        return ': %d..%d' % m.ranges[name] if name in m.ranges else ''

    def initial(name):
        lo, hi = m.ranges.get(name, (-2, 2))
        return r.randint(lo, hi) if r.random() < 0.5 else 0

    s0, s1 = initial('s0'), initial('s1')
    s0_text = str(s0)
    # Three models in ten have consts, K and J = K + 1, read by expressions, repeat counts and
    # s0's initial value; half of those are checked with -D K=N. (Drawn apart, as the second
    # queue and the --outcomes terms are, so that the other models' declarations and threads
    # are those of the version before them: only their properties differ.)
    rk = random.Random(-seed)
    consts_text = ''
    if rk.random() < 0.3:
        k = rk.randint(0, 2)
        consts_text = f'const K = {k}\nconst J = K + 1\n'
        if rk.random() < 0.5:
            k = rk.randint(0, 2)
            m.options = ['-D', f'K={k}']
        m.consts = {'K': k, 'J': k + 1}
        if rk.random() < 0.5:
            s0, s0_text = k * 2 - 1, 'K * 2 - 1'
    elems = [initial('a') for _ in range(ARRAY)]
    queued = tuple(initial('q') for _ in range(r.randint(0, QUEUE_CAP)))
    m.init_shared = (s0, s1, *elems)
    m.init_queues = (queued,)
    a_text = str(elems[0]) if len(set(elems)) == 1 and r.random() < 0.5 else \
        '[' + ', '.join(map(str, elems)) + ']'
    q_text = ' = [' + ', '.join(map(str, queued)) + ']' if queued or r.random() < 0.2 else ''
    src = f'# reference.py seed {seed}' + (' (tame)' if tame else '') + '\n'
    src += consts_text + f'shared s0 = {s0_text}\nshared s1{rng("s1")} = {s1}\n'
    src += f'shared a[{ARRAY}]{rng("a")} = {a_text}\n'
    src += ''.join(f'mutex {x}\n' for x in MUTEXES) + ''.join(f'cond {x}\n' for x in CONDS)
    src += f'queue q[{QUEUE_CAP}]{rng("q")}{q_text}\n'
    if rk.random() < 0.3:  # a second queue, of one element
        if not tame and rk.random() < 0.3:
            m.ranges['q2'] = gen_range(rk)
        lo, hi = m.ranges.get('q2', (-2, 2))
        queued = (rk.randint(lo, hi),) if rk.random() < 0.3 else ()
        m.queues.append('q2')
        m.caps['q2'] = 1
        m.init_queues += (queued,)
        src += f'queue q2[1]{rng("q2")}' + (f' = [{queued[0]}]' if queued else '') + '\n'
    templates, reg = [], []  # reg: every statement (see body_text)
    for k in range(r.randint(2, 3)):
        count = 2 if r.random() < 0.3 else 1
        locs, inits, decls = [], [[] for _ in range(count)], ''
        if r.random() < 0.6:  # a scalar, set to id or to a constant
            locs.append('l0')
            by_id = m.ranges.get('l0', (0, 1))[1] >= count - 1 and r.random() < 0.4
            l0 = initial('l0')
            for inst in range(count):
                inits[inst].append(inst if by_id else l0)
            decls += f'    local l0{rng("l0")} = {"id" if by_id else l0}\n'
        if r.random() < 0.3:  # an array of ARRAY elements
            locs += [f'h[{i}]' for i in range(ARRAY)]
            elems = [initial('h') for _ in range(ARRAY)]
            for inst in range(count):
                inits[inst] += elems
            decls += f'    local h[{ARRAY}]{rng("h")} = [' + ', '.join(map(str, elems)) + ']\n'
        sc = Scope(locs, True, tame=tame)
        sc.consts, sc.queues = tuple(m.consts), tuple(m.queues)
        sc.own_labels = m.own_labels
        body = gen_body(r, 2, sc, r.randint(2, 5), False)
        g = Graph(m.consts)
        entry = g.body(body, END, None, None)
        for name in sc.labels:  # one in a 'repeat 0' names no position
            g.labels.setdefault(name, set())
        templates.append(Template(f't{k}', count, len(m.threads), locs, g.labels))
        m.bodies.append(body)
        for inst in range(count):
            m.threads.append((g.nodes, entry, inst, locs))
            m.inits.append(tuple(inits[inst]))
        src += f'thread t{k}' + (f'[{count}]' if count > 1 else '') + ' {\n'
        src += decls + body_text(body, 1, reg) + '}\n'
        for inst in range(count):  # a finished thread stands at its closing brace
            m.names.append(f't{k}[{inst}]' if count > 1 else f't{k}')
            m.thread_labels.append(g.labels)
            m.end_lines.append(src.count('\n'))
    for n, line in enumerate(src.split('\n'), 1):
        mark = re.search(r'#@(\d+)$', line)
        if mark:
            m.lines[id(reg[int(mark.group(1))])] = n
    m.reg = reg  # keeps the statements, and so their ids
    if rk.random() < 0.3:  # grouped by other terms than s0 and s1
        m.outcome_terms = outcome_terms(rk, templates)
        m.options += ['--outcomes', ','.join(m.outcome_terms)]
    props = Scope([], False, templates, tame=tame)
    props.consts, props.queues = tuple(m.consts), tuple(m.queues)
    for kind, where in (('invariant', m.invariants), ('final', m.finals)):
        for n in range(r.choice([0, 1, 1, 2])):
            if kind == 'invariant' and r.random() < 0.25:  # where the threads are
                prop = (r.choice(['<=', '!=', '<']), gen_thread_form(r, props),
                        gen_expr(r, 1, props))
            else:
                prop = gen_expr(r, r.randint(2, 3), props)
            label = f'{kind[:3]}{n}' if r.random() < 0.5 else None
            where.append((src.count('\n') + 1, label, prop))
            src += f'{kind} ' + (f'{label}: ' if label else '') + expr_text(prop) + '\n'
    return src, m


MAX_GRAPH = 3000  # states, for --graph
DOT_NODE = re.compile(r'  s(\d+) \[label="(?:[^"\\]|\\.)*"(, peripheries=2)?'
                      r'(, color="#d00000".*|, fillcolor="#eeeeee".*)?\];$')
DOT_EDGE = re.compile(r'  s(\d+) -> ([sf]\d+) \[label="((?:[^"\\]|\\.)*)", color="[^"]*", '
                      r'fontcolor="[^"]*"(, penwidth=3, style=bold)?\];$')
DOT_FAIL = re.compile(r'  f(\d+) \[shape=octagon, .*\\nline (\d+)"\];$')


def graph_of(model, configs, moves_of, shows, violations):
    """What 'weft graph' draws (docs/graphs.md), the states numbered in breadth first order:
    each state as 'red' (it shows a violation), 'grey' (every thread finished) or '', and each
    step in order of state, thread and outcome as (state, target, 'thread: label' or 'thread:
    line N', with ' #k' when the step has several outcomes, bold), a failing step's target its
    line. A step is bold when it is on a violation's schedule: the first shortest, each of its
    steps the first found into its state. Where several labels name a thread's position, the
    label is the set of them."""
    nodes = ['red' if shows[u] else 'grey' if all(th[0] == END for th in configs[u][2]) else ''
             for u in range(len(configs))]
    bold = set()
    for v in violations:  # (kind, line, label, length, schedule, preemptions)
        u = 0
        for i, k in v[4]:
            j = [n for n, (i2, k2, _) in enumerate(moves_of[u]) if (i2, k2) == (i, k)][0]
            bold.add((u, j))
            to = moves_of[u][j][2]
            u = to if not isinstance(to, Fail) else u
    edges = []
    for u, moves in enumerate(moves_of):
        threads = state_json(model, configs[u])['threads']
        for j, (i, k, to) in enumerate(moves):
            th = threads[i]
            what = th['label'] if th['label'] is not None else f'line {th["line"]}'
            several = sum(1 for i2, _, _ in moves if i2 == i) > 1
            edges.append((u, f'line {to.line}' if isinstance(to, Fail) else to,
                          model.names[i], what, k if several else None, (u, j) in bold))
    return nodes, edges


def weft_graph(weft, path, options):
    """'weft graph PATH' read back as graph_of() gives it; a string if it could not be."""
    dot = path + '.dot'
    p = subprocess.run([weft, 'graph', path, '-o', dot, '--dot-max-states', str(MAX_GRAPH)] +
                       options, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        return f'weft graph: status {p.returncode}: {p.stderr[:300]}'
    with open(dot) as f:
        lines = f.read().splitlines()
    os.unlink(dot)
    nodes, edges, fails = [], [], {}
    for line in lines:
        m = DOT_NODE.match(line)
        if m:
            if int(m[1]) != len(nodes):
                return f'node s{m[1]} after {len(nodes)} nodes'
            nodes.append('' if not m[3] else 'red' if 'd00000' in m[3] else 'grey')
            continue
        m = DOT_FAIL.match(line)
        if m:
            fails[f'f{m[1]}'] = f'line {m[2]}'
            continue
        m = DOT_EDGE.match(line)
        if m:
            name, what = m[3].split(': ', 1)
            k = None
            if re.search(r' #\d+$', what):
                what, k = what.rsplit(' #', 1)
                k = int(k)
            to = fails[m[2]] if m[2][0] == 'f' else int(m[2][1:])
            edges.append((int(m[1]), to, name, what, k, bool(m[4])))
    return nodes, edges


def graphs_differ(mine, got):
    """Where weft's graph differs from the reference's: '' if nowhere. A label that several
    name may be any of them."""
    if isinstance(got, str):
        return got
    if mine[0] != got[0]:
        at = [u for u, (a, b) in enumerate(zip(mine[0] + [None] * len(got[0]),
                                               got[0] + [None] * len(mine[0]))) if a != b][0]
        return f'state s{at}: weft {got[0][at:at + 1]}, here {mine[0][at:at + 1]}'
    for n, (a, b) in enumerate(zip(mine[1] + [None] * len(got[1]),
                                   got[1] + [None] * len(mine[1]))):
        if a is not None and b is not None and isinstance(a[3], set) and b[3] in a[3]:
            a = a[:3] + (b[3],) + a[4:]
        if a != b:
            return f'edge {n}: weft {b}, here {a}'
    return ''


def d_options(model):
    """The model's -D options (of model.options, all pairs)."""
    return [x for o in zip(model.options[::2], model.options[1::2]) if o[0] == '-D' for x in o]


def trace_violation(v):
    """A trace's violation (docs/json.md) as the reference names one: (kind, line, label)."""
    return [v['kind'], v['line'] if v['kind'] != 'deadlock' else None,
            v['property'] if v['kind'] in ('invariant', 'final') else None]


RED_ROW = '#f9c6c6'  # the violating row of a --trace-dot picture (docs/graphs.md)


def picture_rows(model, path, v):
    """Regular expressions for the rows of the picture 'weft check --trace-dot' draws of JSON
    violation v (docs/graphs.md), its schedule run here: the title (the violation's description,
    what the schedule is, its steps and preemptions); a column a thread, tinted in its
    template's colour (here a group: each thread's colour is checked against its column's);
    row 0 the initial state, then a row a step: the moving thread's cell with its label, line
    and statement (weft's own text), the locals it wrote in italics, '(preemption)' and a
    failing step's message (weft's own) in red; a grey '|' for each other thread still alive,
    nothing for a finished one; and the shared variables, each mutex's holder and each queue
    after the step, those it wrote in bold (a write of the value already there too, where
    changes() says it shows; either where it may). The violating row, the last, is red."""
    def html(text):
        return re.escape(text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;'))

    def shared_cell(before, after, writes, loose, red):
        bold = []
        for name, old, new in cells(before, after):
            text = html(f'{name} = {new}')
            if old != new or name == writes:
                bold.append(f'<b>{text}</b>')
            elif loose and name in ('s0', 's1'):
                bold.append(f'(?:<b>{text}</b>|{text})')
            else:
                bold.append(text)
        return f'<td align="left"{red}>' + '<br/>'.join(bold) + '</td>'

    def cells(before, after):  # (name, before, after) of each value in the shared column
        b, a = state_json(model, before), state_json(model, after)
        out = [(name, list_text(b['shared'][name]) if name == 'a' else b['shared'][name],
                list_text(x) if name == 'a' else x) for name, x in a['shared'].items()]
        out += [(m, b['mutexes'][m] or 'free', x or 'free') for m, x in a['mutexes'].items()]
        return out + [(q, list_text(b['queues'][q]), list_text(x)) for q, x in a['queues'].items()]

    sched = v['schedule']
    n, nt = sched['length'], len(model.names)
    what = 'schedule with fewest preemptions' if sched['fewest_preemptions'] else \
        'shortest schedule' if sched['shortest'] else 'schedule (depth first, not shortest)'
    rows = [f'<td colspan="{nt + 2}" border="0"><b>{html(path)}: </b><font color="#d00000">'
            f'{html(v["description"])}</font><br/>{html(what)}: {n} step' + 's' * (n != 1) +
            f', {sched["preemptions"]} preemption' + 's' * (sched['preemptions'] != 1) + '</td>',
            '<td><b>step</b></td>' + ''.join(f'<td bgcolor="(#[0-9a-f]{{6}})"><b>{html(name)}'
                                             '</b></td>' for name in model.names) +
            '<td><b>shared</b></td>']
    config = initial_config(model)
    red = f' bgcolor="{RED_ROW}"' if n == 0 else ''
    rows.append((f'<td{red}><b>0</b></td>' if n == 0 else '<td>0</td>') +
                f'<td colspan="{nt}"{red}><i>initial state</i></td>' +
                shared_cell(config, config, None, False, red))
    last = None
    for i, st in enumerate(sched['steps'], 1):
        tid, red = st['tid'], f' bgcolor="{RED_ROW}"' if i == n else ''
        moves = successors(model, config)
        new = [x for j, x in moves if j == tid][st['k']]
        at = state_json(model, config)['threads'][tid]
        label = at['label']
        cell = f'<td align="left" bgcolor="{RED_ROW if i == n else "(#[0-9a-f]{6})"}">' + \
            any_of(f'<b>{x}</b> ' if x else '' for x in (
                label if isinstance(label, set) else [label])) + f'line {at["line"]}<br/>[^<]*'
        fail = isinstance(new, Fail)  # changes nothing, writes nothing
        writes, loose = (None, False) if fail else step_writes(
            model.threads[tid][0][config[2][tid][0]])
        after = config if fail else new
        b_loc, a_loc = (state_json(model, c)['threads'][tid]['locals'] for c in (config, after))
        for name, x in a_loc.items():  # l0, then the array h whole
            text = '<br/><i>' + html(f'{name} = ' + (list_text(x) if name == 'h' else str(x))) + \
                '</i>'
            if b_loc[name] != x or name == writes:
                cell += text
            elif loose and name != 'h':
                cell += f'(?:{text})?'
        if preempts(last, tid, moves):
            cell += '<br/><i>\\(preemption\\)</i>'
        if fail:
            cell += '<br/><font color="#d00000"><b>[^<]*</b></font>'
        last = tid
        rows.append((f'<td{red}><b>{i}</b></td>' if i == n else f'<td>{i}</td>') + ''.join(
            cell + '</td>' if j == tid else '<td></td>' if th[0] == END else
            '<td><font color="#aaaaaa">\\|</font></td>' for j, th in enumerate(config[2])) +
            shared_cell(config, after, writes, loose, red))
        config = after
    return rows


def pictures_differ(model, path, violations, pics):
    """What differs ('' if nothing) between the files 'weft check --trace-dot PICS/' wrote and
    docs/cli.md and docs/graphs.md: one a violation, PICS/model-N-KIND[-LABEL or -lineL].dot in
    the report's order, each with the rows picture_rows() says, each thread's colour its
    column's and its template's, the same for the threads of a template and not for two."""
    want = [f'model-{i}-{v["kind"]}' + (
        '' if v['kind'] == 'deadlock' else f'-{v["property"]["label"]}'
        if v['kind'] in ('invariant', 'final') and v['property']['label'] else
        f'-line{v["line"]}') + '.dot' for i, v in enumerate(violations, 1)]
    got = sorted(os.listdir(pics)) if os.path.isdir(pics) else []
    if got != sorted(want):
        return f'pictures {got}, not {want}'
    for name, v in zip(want, violations):
        with open(os.path.join(pics, name)) as f:
            text = f.read()
        rows = re.findall(r'^    <tr>(.*)</tr>$', text, re.M)
        expected = picture_rows(model, path, v)
        if len(rows) != len(expected):
            return f'{name}: {len(rows)} rows, not {len(expected)}'
        colours = None
        for n, (row, w) in enumerate(zip(rows, expected)):
            m = re.fullmatch(w, row)
            if not m:
                return f'{name}, row {n}: weft {row!r}, not /{w}/'
            if n == 1:
                colours = m.groups()
                templates = [x.split('[')[0] for x in model.names]
                for i, j in itertools.combinations(range(len(colours)), 2):
                    if (colours[i] == colours[j]) != (templates[i] == templates[j]):
                        return f'{name}: the colours {colours} of {model.names}'
            elif n > 1 and m.groups() and m.groups() != (
                    colours[v['schedule']['steps'][n - 3]['tid']],):
                return f'{name}, row {n}: colour {m.groups()}, not its thread\'s'
    return ''


def traced_differs(weft, path, model, stderr, violations, trace, options):
    """What differs ('' if nothing) between the file 'weft check --trace TRACE' wrote and what
    docs/cli.md says of it: with a violation, the first one of the JSON report ('violations'),
    its schedule's steps and its kind, line, property and message, and 'weft replay PATH TRACE'
    (with the model's -D 'options') must print what replay_expected() says, the violation
    confirmed; without one, no file and a line on stderr."""
    if not violations and os.path.exists(trace):
        return 'a trace written without a violation'
    if not violations and f"weft: no violation: '{trace}' not written" not in stderr.splitlines():
        return f'no line on stderr for the trace: {stderr[-300:]!r}'
    if not violations:
        return ''
    if not os.path.exists(trace):
        return 'no trace written'
    with open(trace) as f:
        t = json.load(f)
    v = violations[0]
    if [[st['tid'], st['k']] for st in t['steps']] != [[st['tid'], st['k']]
                                                       for st in v['schedule']['steps']]:
        return f'the trace\'s steps {t["steps"]}, not the first violation\'s'
    want = {'kind': v['kind'], 'property': v['property'] and v['property']['label'],
            'line': v['line'], 'message': v['message']}
    if t['violation'] != want:
        return f'the trace\'s violation {t["violation"]}, not {want}'
    return replay_differs(weft, path, model, t, options, own=(trace, None))


def weft_answer(weft, path, model, options):
    enum = path + '.schedules'
    if '--schedules' in options:  # the file after its count
        at = options.index('--schedules') + 2
        options = options[:at] + [enum] + options[at:]
    junit, trace, pics = path + '.junit.xml', path + '.trace.json', path + '.pics/'
    p = subprocess.run([weft, 'check', path, '--json', '-', '--junit', junit, '--trace', trace,
                        '--trace-dot', pics, '--progress', 'never'] + options,
                       capture_output=True, text=True, timeout=120)
    try:
        m = json.loads(p.stdout)['models'][0]
    except (ValueError, KeyError, IndexError):
        return 'no JSON report (status %d): %s' % (p.returncode, p.stderr[:300])
    traced = traced_differs(weft, path, model, p.stderr, m['violations'], trace, d_options(model)) \
        or pictures_differ(model, path, m['violations'], pics)
    if os.path.exists(trace):  # gone before the next model, whatever differed
        os.unlink(trace)
    shutil.rmtree(pics, ignore_errors=True)
    enumerated = None
    if os.path.exists(enum):  # each line replayed here as a violation's schedule, and by weft
        with open(enum) as f:  # replay from its standard input
            lines = f.read().splitlines()
        traces = [json.loads(line) for line in lines]
        os.unlink(enum)
        deadlock = '--no-deadlock' not in options
        enumerated = [[[[st['tid'], st['k']] for st in t['steps']],
                       trace_violation(t['violation'])] for t in traces]
        enumerated_replayed = [
            replay(model, dict(t['violation'], schedule=t), deadlock) or
            replay_differs(weft, path, model, t, d_options(model), own=('-', line + '\n'))
            for t, line in zip(traces, lines)]
    causes = (m['analysis'] or {}).get('causes')
    if causes is not None:  # each point's schedule replayed to where its violation shows
        causes_replayed = [replay(model, {'kind': m['violations'][c['violation']]['kind'],
                                          'line': m['violations'][c['violation']]['line'],
                                          'schedule': c['schedule']},
                                  '--no-deadlock' not in options) for c in causes['points']]
        causes = {'doomed': causes['doomed'], 'points': [
            [c['step'], c['tid'], c['thread'], c['line'], c['violation'],
             [[st['tid'], st['k']] for st in c['schedule']['steps']]] for c in causes['points']]}
    if m['statistics'] is None:
        return 'not checked: %s' % m['error']
    violations = []
    for v in m['violations']:
        sched, prop = v['schedule'], v['property']
        violations.append([v['kind'], v['line'] if v['kind'] != 'deadlock' else None,
                           prop['label'] if prop and v['kind'] != 'error' else None,
                           sched['length'], [[step['tid'], step['k']] for step in sched['steps']],
                           sched['preemptions']])
    an = m['analysis'] or {}
    terms = options[options.index('--outcomes') + 1].split(',') if '--outcomes' in options \
        else ['s0', 's1']
    outs = sorted((tuple(tuple(x) if isinstance(x, list) else x
                         for x in (o['values'][t] for t in terms)),
                   o['violates'], o['end_states'], o['schedules'], o['violating_schedules'])
                  for o in an.get('outcomes', []))
    st = m['statistics']
    stuck = [re.split('  +', line[len('  blocked: '):]) for line in p.stderr.splitlines()
             if line.startswith('  blocked: ')]  # the deadlock's threads: name, line, why
    fails = [line for line in p.stderr.splitlines() if re.match(r'final .* fails in \d+ end', line)]
    forever = [line for line in p.stderr.splitlines() if line.startswith('  first reached after ')]
    for n, line in enumerate(forever):  # 'runs forever:' then where the first state is
        mt = re.fullmatch(r'  first reached after (\d+) steps?:' + ','.join(
            rf" {re.escape(name)} (?:finished|at line (\d+) '[^']*')" for name in model.names),
            line)
        forever[n] = [int(mt[1]), [int(x) if x else 'finished' for x in mt.groups()[1:]]] \
            if mt else line
    replayed = [replay(model, dict(v, blocked=[[x[0], x[1], x[-1]] for x in stuck])
                       if v['kind'] == 'deadlock' else v, '--no-deadlock' not in options)
                for v in m['violations']]
    never = m['never_run'] and [[x['thread'], x['line'], x['why']] for x in m['never_run']]
    cases = []  # each test case of --junit: [name, how] (see junit_cases())
    for case in xml.etree.ElementTree.parse(junit).getroot().iter('testcase'):
        failure, out = case.find('failure'), case.find('system-out')
        cases.append([case.get('name'), f'failure {failure.get("type")}' if failure is not None
                      else 'skipped' if case.find('skipped') is not None
                      else out.text if out is not None else 'passed'])
    os.unlink(junit)
    text = [line for line in p.stderr.splitlines()  # but the line of --trace (traced_differs())
            if line != f"weft: no violation: '{trace}' not written"]
    last = text[-1] if text else ''
    at = [n for n, line in enumerate(text) if line.startswith('outcomes: ')]
    said = []  # the lines on every schedule: 'outcomes:' up to the first line after them
    for line in text[at[0]:] if at else []:
        if said and not line.startswith(('  ', 'schedules')):
            break
        said.append(line)
    return {'summary': [p.returncode, last[len(path) + 2:] if last.startswith(path + ': ')
                        else last],
            'replayed': replayed, 'traced': traced, 'never_run': never, 'final_fails': fails,
            'runs_forever': forever, 'junit': cases, 'analysis_text': said,
            'states': st['states'], 'transitions': st['transitions'], 'depth': st['depth'],
            'stop': st['stop'], 'checked_depth': st['checked_depth'], 'violations': violations,
            'end_states': an.get('end_states'),
            'violating_states': an.get('violating_states'),
            'schedules': an.get('schedules'), 'violating_schedules': an.get('violating_schedules'),
            'outcomes': outs if m['analysis'] else None,
            **({'held_back': st['held_steps']} if '--max-preemptions' in options
               else {}),
            'never_ending_states': an.get('never_ending_states'),
            **({'enumerated': enumerated, 'enumerated_replayed': enumerated_replayed}
               if enumerated is not None else {}),
            **({'causes': causes, 'causes_replayed': causes_replayed}
               if causes is not None else {})}


def compared(answer, options):
    """What of an answer 'options' leave comparable."""
    if isinstance(answer, str):  # weft gave no answer
        return answer
    drop = set()
    if '--reduce' in options:  # merges states that differ only in dead locals: not schedules
        drop |= {'states', 'transitions', 'depth', 'end_states', 'violating_states',
                 'never_ending_states', 'final_fails', 'runs_forever', 'analysis_text'}
        if answer['outcomes'] is not None:  # each outcome's end states
            answer = dict(answer, outcomes=[o[:2] + o[3:] for o in answer['outcomes']])
        answer = dict(answer, junit=[  # a final's note counts the states that cannot end
            [name, 'runs forever' if how.startswith('runs forever') else how]
            for name, how in answer['junit']])
    if answer['stop'] != 'complete':  # cut short (--first, --max-states, --max-depth)
        drop |= {'schedules', 'violating_schedules', 'end_states', 'violating_states', 'outcomes',
                 'never_ending_states', 'held_back', 'final_fails', 'runs_forever',
                 'analysis_text'}
    if '--compact' in options:  # no analysis after the search
        drop |= {'schedules', 'violating_schedules', 'end_states', 'violating_states', 'outcomes',
                 'never_ending_states', 'final_fails', 'runs_forever', 'analysis_text'}
        answer = dict(answer, junit=[[name, 'passed' if how.startswith('runs forever') else how]
                                     for name, how in answer['junit']])
    if '--dfs' in options:  # its violations in another order, their schedules not the shortest
        drop |= {'depth'}
        answer = dict(answer, violations=sorted(v[:3] for v in answer['violations']),
                      summary=summary_unordered(answer['summary']),
                      final_fails=sorted(answer.get('final_fails', [])),
                      junit=sorted([name, how.split(' ')[0] if how.startswith('failure') else how]
                                   for name, how in answer['junit']))
    return {k: v for k, v in answer.items() if k not in drop}


def main():
    if len(sys.argv) < 4:
        print('usage: reference.py WEFT FIRST COUNT [OPTION...]', file=sys.stderr)
        return 2
    weft, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    options = sys.argv[4:] or ['-j', '1']
    graph = '--graph' in options  # weft graph too
    options = [x for x in options if x != '--graph'] or ['-j', '1']
    sys.setrecursionlimit(20000)  # run_loop recurses once an iteration of a loop in atomic
    n_bad = n_compared = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'model.weft')
        for seed in range(first, first + count):
            src, model = make_model(seed)
            if '--simulate' in options:  # three random runs of each model, one of 7 steps
                with open(path, 'w') as f:
                    f.write(src)
                sim_options = [x for x in options if x != '--simulate'] + d_options(model)
                terms = model.options[model.options.index('--outcomes'):][:2] \
                    if '--outcomes' in model.options else []
                why = simulate_runs_differs(weft, path, model, seed * 3, 20, 30,
                                            sim_options + terms)
                n_compared += 1
                if why:
                    n_bad += 1
                    print(f'reference: seed {seed}, simulate --runs 20 --seed {seed * 3} '
                          '--steps 30' + ''.join(' ' + x for x in sim_options) +
                          f': {why}\n{src}')
                for run, max_steps in enumerate((1000, 1000, 7)):
                    sim_seed = seed * 3 + run
                    why = simulate_differs(weft, path, model, sim_seed, max_steps, sim_options)
                    n_compared += 1
                    if why:
                        n_bad += 1
                        print(f'reference: seed {seed}, simulate --seed {sim_seed} --steps '
                              f'{max_steps}' + ''.join(' ' + x for x in sim_options) +
                              f': {why}\n{src}')
                continue
            if '--replay' in options:  # three traces of each model, written here
                with open(path, 'w') as f:
                    f.write(src)
                r = random.Random(f'replay {seed}')
                for n in range(3):
                    try:
                        t = random_trace(model, r)
                    except TooBig:  # an atomic block of too many paths
                        break
                    why = replay_differs(weft, path, model, t, d_options(model))
                    n_compared += 1
                    if why:
                        n_bad += 1
                        print(f'reference: seed {seed}, replay of trace {n}:\n' +
                              json.dumps(t, indent=1) + f'\n{why}\n{src}')
                continue
            bound = None
            if '--max-preemptions' in options:
                bound = int(options[options.index('--max-preemptions') + 1])
            limit, depth = 0, None  # none
            if '--max-states' in options:
                limit = int(options[options.index('--max-states') + 1])
            if '--max-depth' in options:
                depth = int(options[options.index('--max-depth') + 1])
            enum = 0
            if '--schedules' in options:
                enum = int(options[options.index('--schedules') + 1])
            ref = explore(model, '--no-deadlock' not in options, bound, '--first' in options,
                          limit, depth, '--fewest-preemptions' in options, enum,
                          '--causes' in options, graph)
            if ref is None:
                continue
            with open(path, 'w') as f:
                f.write(src)
            got = compared(weft_answer(weft, path, model, options + model.options), options)
            if isinstance(got, dict) and 'graph' in ref:  # what differs, '' if nothing
                got['graph'] = graphs_differ(ref['graph'], weft_graph(
                    weft, path, d_options(model) + [x for x in options if x == '--no-deadlock']))
                ref['graph'] = ''
            ref = compared(dict(ref, traced=''), options)  # weft's --trace: see traced_differs()
            n_compared += 1
            if got != ref:
                n_bad += 1
                print(f'reference: seed {seed}' + ''.join(' ' + x for x in model.options) +
                      f': weft {got}, the reference {ref}\n{src}')
    print(f'reference: {n_compared} ' + ('runs' if '--simulate' in options else 'traces' if
                                         '--replay' in options else 'models') +
          f' compared, {n_bad} differ')
    return 1 if n_bad or n_compared == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
