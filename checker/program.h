/*
** program.h -- the compiled model: state layout, per-thread step code, properties.
**
** compile_model() builds a Program from the syntax tree; the executor (exec.c) runs it on packed
** state vectors; the reporters read its names and source texts. A Program owns every string and
** array it holds (nothing points into the parser's arena) and is read-only after compilation,
** so any number of search threads may share it.
**
** Code. Each thread template has one array of instructions, 'code'. A *position* is a place a
** thread can be between steps; position p's step starts at code[pos[p].code] and runs until an
** END_STEP (which sets the thread's next position) or until it blocks or fails. Non-steps
** (repeat, break, continue, return) are compiled away: 'repeat N' is unrolled N times, so every
** iteration has its own positions and a state holds no loop counter. An atomic block is one step:
** its code runs to its END_STEP without a step boundary inside.
**
** Blocking. A step blocks when an instruction that can block finds it cannot go on (AWAIT of 0,
** LOCK of a held mutex, PUT on a full queue, GET on an empty one, SLEEP). Before GUARD_END (or in
** a step without one) blocking means "not enabled": the step has no successor and the state is
** unchanged. After GUARD_END (inside an atomic block, past its first statement) blocking is a
** runtime error.
**
** Expressions are stack code over int32 values; property expressions live in 'prop_code' and
** end with RET. Operand meaning is given per opcode; "pop x" reads the top of the stack.
**
** Code shapes: what the compiler emits and the executor relies on. 'next' is the position of
** the step after the statement (following repeat unrolling, break, continue, return and the
** end of blocks, so it is always a real step or the end position); B is the position where a
** block's first step is (or, for an empty block, where control goes after it).
**
**   x = e                 e; STORE_G|STORE_L x; END_STEP next
**   a[i] = e              i; e; STORE_GA|STORE_LA a; END_STEP next
**   assert e / await e    e; ASSERT|AWAIT; END_STEP next
**   lock m / unlock m     LOCK m | UNLOCK m; END_STEP next
**   lock m else {B}       TRYLOCK m; JZ L; END_STEP next; L: END_STEP B
**   wait c, m             WAIT c m; END_STEP S
**     S (POS_SLEEP c)       SLEEP                      (a signal sets the position to S's wake)
**     R (POS_RELOCK)        LOCK m; END_STEP next      (shown at the wait's line and label)
**   signal c / broadcast  SIGNAL c | BROADCAST c; END_STEP next
**   put q, e              e; PUT q; END_STEP next
**   put q, e else {B}     e; PUT_TRY q; JZ L; END_STEP next; L: END_STEP B
**   get q, x              GET q; STORE_x x; END_STEP next      (a[i]: GET q; i; SWAP; STORE_xA a)
**   get q, x else {B}     GET_TRY q; JZ L; [i; SWAP;] STORE_x x; END_STEP next; L: END_STEP B
**   if c1 {B1} else if c2 {B2} else {B3}
**                         c1; JZ L2; END_STEP B1; L2: c2; JZ L3; END_STEP B2; L3: END_STEP B3
**   while c {B}           c; JZ L; END_STEP B; L: END_STEP next
**   choose {B0} or {B1}   CHOOSE 2; JMP L0; JMP L1; L0: END_STEP B0; L1: END_STEP B1
**   skip                  END_STEP next
**   end of the thread     HALT (the end position)
**
** Inside 'atomic { S1 S2 ... }' the statements are inlined into one step: the same shapes with
** END_STEP replaced by falling through to the next statement, control flow by jumps (a 'while'
** is 'L: LOOP_CHECK; c; JZ E; body; JMP L; E:', a 'choose' is 'CHOOSE n; JMP L0; ...; L0: B0;
** JMP E; L1: B1; E:'), and a break/continue/return that leaves the block ends the step with
** END_STEP to its target. GUARD_END follows the first statement's code when that statement can
** block (await, lock, put, get, or a nested atomic's guard), else it is the block's first
** instruction. The block ends with END_STEP next. 'wait' inside 'atomic' is a model error.
*/
#ifndef WEFT_PROGRAM_H
#define WEFT_PROGRAM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* clang-format off */
#define OP_LIST(X)                                                                               \
    /* expressions */                                                                            \
    X(PUSH)        /* push a                                                                   */\
    X(POP)         /* drop the top value                                                       */\
    X(SWAP)        /* exchange the two top values                                              */\
    X(ID)          /* push the running thread's instance index                                 */\
    X(LOAD_G)      /* push shared scalar var a                                                 */\
    X(LOAD_GA)     /* pop i; push element i of shared array var a (bounds: runtime error)      */\
    X(LOAD_L)      /* push local scalar var a of the running thread                            */\
    X(LOAD_LA)     /* pop i; push element i of local array var a of the running thread         */\
    X(LOAD_TL)     /* pop t; push local scalar var a of instance t of template b               */\
    X(LOAD_TLA)    /* pop i, pop t; push element i of local array var a of instance t of b     */\
    X(LEN)         /* push the length of queue a                                               */\
    X(HELD)        /* push 1 if mutex a is held by any thread, else 0                          */\
    X(AT)          /* pop t; push 1 if instance t of template a is at a position of label b    */\
    X(COUNT)       /* push how many instances of template a are at a position of label b       */\
    X(DONE)        /* pop t; push 1 if instance t of template a has finished                   */\
    X(NEG)         /* pop x; push -x (overflow: runtime error)                                 */\
    X(NOT)         /* pop x; push !x                                                           */\
    X(BOOL)        /* pop x; push x != 0                                                       */\
    X(ADD)         /* pop y, pop x; push x + y (overflow: runtime error)                       */\
    X(SUB)         /* pop y, pop x; push x - y (overflow: runtime error)                       */\
    X(MUL)         /* pop y, pop x; push x * y (overflow: runtime error)                       */\
    X(DIV)         /* pop y, pop x; push x / y, truncating (y == 0, INT_MIN / -1: error)       */\
    X(MOD)         /* pop y, pop x; push x % y, sign of x (y == 0, INT_MIN % -1: error)        */\
    X(LT)          /* pop y, pop x; push x < y                                                 */\
    X(LE)          /* pop y, pop x; push x <= y                                                */\
    X(GT)          /* pop y, pop x; push x > y                                                 */\
    X(GE)          /* pop y, pop x; push x >= y                                                */\
    X(EQ)          /* pop y, pop x; push x == y                                                */\
    X(NE)          /* pop y, pop x; push x != y                                                */\
    X(JMP)         /* go to code a                                                             */\
    X(JZ)          /* pop x; if x == 0 go to code a                                            */\
    X(JNZ)         /* pop x; if x != 0 go to code a                                            */\
    X(JZ_OR_POP)   /* if top == 0 go to code a (keeping the 0), else pop: for '&&'             */\
    X(JNZ_OR_POP)  /* if top != 0 set it to 1 and go to code a, else pop: for '||'             */\
    X(QBEGIN)      /* pop hi, pop lo; slot a = lo, slot a+1 = hi; if lo > hi go to code b      */\
    X(QNEXT)       /* if slot a < slot a+1: slot a += 1 and go to code b; else go on           */\
    X(QLOAD)       /* push slot a (a quantifier variable)                                      */\
    X(RET)         /* end of a property expression: its value is the top of the stack         */\
    /* statements (thread code only) */                                                          \
    X(STORE_G)     /* pop x; shared scalar var a = x (range: runtime error)                    */\
    X(STORE_GA)    /* pop x, pop i; element i of shared array var a = x                        */\
    X(STORE_L)     /* pop x; local scalar var a of the running thread = x                      */\
    X(STORE_LA)    /* pop x, pop i; element i of local array var a = x                         */\
    X(ASSERT)      /* pop x; if x == 0 the step fails: assertion violated                      */\
    X(AWAIT)       /* pop x; if x == 0 the step blocks                                         */\
    X(LOCK)        /* take mutex a; blocks while any thread (the caller too) holds it          */\
    X(TRYLOCK)     /* if mutex a is free take it and push 1, else push 0                       */\
    X(UNLOCK)      /* release mutex a; runtime error if the caller does not hold it            */\
    X(WAIT)        /* release mutex b (runtime error if not held by the caller); the END_STEP  */\
                   /* that follows moves the thread to the SLEEP position for cond a           */\
    X(SLEEP)       /* always blocks: the thread sleeps until a signal moves it on              */\
    X(SIGNAL)      /* wake one sleeper on cond a: one outcome per sleeper by thread index,     */\
                   /* or a single outcome (the signal is lost) when none sleeps                */\
    X(BROADCAST)   /* wake every sleeper on cond a                                             */\
    X(PUT)         /* pop x; append x to queue a (range: runtime error); blocks while full     */\
    X(PUT_TRY)     /* pop x; if queue a has room append x (range: error), push 1; else push 0  */\
    X(GET)         /* remove the oldest element of queue a and push it; blocks while empty     */\
    X(GET_TRY)     /* if queue a is not empty remove the oldest, push it, push 1; else push 0  */\
    X(CHOOSE)      /* a branches: outcome k (0 <= k < a) goes on at code pc+1+k, a JMP         */\
    X(GUARD_END)   /* from here on blocking is a runtime error (inside an atomic block)        */\
    X(LOOP_CHECK)  /* a loop head inside an atomic block: coming back to a configuration it    */\
                   /* already had (same state, same code address) is a runtime error           */\
    X(END_STEP)    /* the step is done: the thread's position becomes a                        */\
    X(HALT)        /* the code of the end position: the thread has finished (never runs)      */
/* clang-format on */

typedef enum {
#define X(name) OP_##name,
    OP_LIST(X)
#undef X
        N_OPCODES
} Opcode;

/* One instruction. */
typedef struct Ins {
    uint8_t op; /* an Opcode */
    int32_t a;  /* first operand (see OP_LIST) */
    int32_t b;  /* second operand */
} Ins;

/* ---- variables and the state layout ---- */

/* Where a variable lives. */
typedef enum { VAR_SHARED, VAR_LOCAL } VarScope;

/* A shared or local variable, scalar or array.
** Encoding in the state vector (state.h): each element is an unsigned field of 'bits' bits
** holding value - lo for a variable with a declared range (bits for hi - lo + 1 values, 0 when
** lo == hi), else the int32's two's complement bits in a field of 32 bits. */
typedef struct Var {
    char *name;       /* as declared */
    VarScope scope;   /* shared, or local to every instance of template 'tmpl' */
    uint32_t tmpl;    /* VAR_LOCAL: the owning thread template */
    uint32_t size;    /* number of elements: 1 for a scalar */
    bool is_array;    /* declared with [SIZE] */
    bool has_range;   /* declared with ': lo..hi' */
    int32_t lo, hi;   /* the declared range (has_range) */
    uint32_t bit_off; /* element 0: absolute bit offset (shared) or bit offset in the thread
                      ** block (local); elements follow each other with no padding */
    uint8_t bits;     /* bits per element: 0 to 32 */
    int32_t *init;    /* initial values: shared, size values; local, size values per instance,
                      ** instance t's at init[t * size] (a local's initialiser may use 'id') */
    uint32_t line;    /* line of the declaration */
} Var;

/* A mutex: its owner field holds 0 when free, else the owning thread index + 1. */
typedef struct Mutex {
    char *name;       /* as declared */
    uint32_t bit_off; /* absolute bit offset of the owner field */
    uint8_t bits;     /* bits of the owner field: enough for 0 .. n_threads */
} Mutex;

/* A condition variable. It has no field: sleepers are threads at a SLEEP position for it. */
typedef struct Cond {
    char *name; /* as declared */
} Cond;

/* A bounded FIFO of int32: a length field, then 'cap' slots of 'bits' bits each, oldest first.
** A slot is encoded as a Var's element is: value - lo with a declared range (bits for
** hi - lo + 1 values), else the int32's 32 bits. Slots at and past the length hold raw 0 (which,
** with a range, is not the value 0 but nothing at all), so equal queues have equal bytes. */
typedef struct Queue {
    char *name;           /* as declared */
    uint32_t cap;         /* capacity, >= 1 */
    bool has_range;       /* declared with ': lo..hi': a put outside it is a runtime error */
    int32_t lo, hi;       /* the declared range (has_range) */
    uint32_t len_bit_off; /* absolute bit offset of the length field */
    uint8_t len_bits;     /* bits of the length field: enough for 0 .. cap */
    uint32_t bit_off;     /* absolute bit offset of slot 0; slots follow with no padding */
    uint8_t bits;         /* bits per slot: 0 to 32 */
    uint32_t n_init;      /* initial length */
    int32_t *init;        /* initial elements */
} Queue;

/* ---- threads ---- */

typedef enum {
    POS_STEP,   /* an ordinary step starts here */
    POS_SLEEP,  /* asleep in a 'wait' on cond 'cond': code is SLEEP */
    POS_RELOCK, /* woken from a 'wait': the step re-takes the mutex */
    POS_END     /* finished: code is HALT */
} PosKind;

/* A position of a thread template: where a thread can be between steps. */
typedef struct Pos {
    PosKind kind;  /* see PosKind */
    uint32_t code; /* index in the template's code of the step's first instruction */
    uint32_t line; /* source line of the statement (if chain: the 'if'; re-lock: the 'wait') */
    int32_t label; /* the statement's own label (index in Template.labels), or -1 */
    char *text;    /* the statement as written on one line: "tmp = counter", "if x > 0",
                   ** "lock m else", "atomic"; the end position: "end" */
    int32_t cond;  /* POS_SLEEP: the cond slept on; else -1 */
    uint32_t wake; /* POS_SLEEP: the position a signal moves the thread to (its POS_RELOCK) */
} Pos;

/* A thread template: one 'thread' declaration, with 'count' instances. */
typedef struct Template {
    char *name;           /* as declared ("worker") */
    bool is_array;        /* declared with [COUNT]: instances are named "worker[i]" */
    uint32_t count;       /* instances */
    uint32_t first_tid;   /* thread index of instance 0; instance i is thread first_tid + i */
    uint32_t n_pos;       /* positions; the last one, n_pos - 1, is the end position */
    Pos *pos;             /* the positions */
    uint32_t start;       /* the position every instance starts at: 0, but where the body
                          ** begins with break, continue or return (the end for 'return') */
    uint8_t pc_bits;      /* bits of the position field at bit 0 of each thread block: enough
                          ** for 0 .. n_pos - 1 (0 bits when the thread has only its end) */
    uint32_t block_bits;  /* bits of one instance's block: position field, then locals */
    uint32_t n_locals;    /* local variables */
    uint32_t *locals;     /* their indices in Program.vars, in declaration order */
    uint32_t n_code;      /* instructions */
    Ins *code;            /* the step code of every position */
    uint32_t *code_line;  /* source line of each instruction (runtime errors, failed asserts) */
    uint32_t n_labels;    /* statement labels of this template */
    char **labels;        /* their names */
    uint8_t **label_at;   /* label_at[l][p] != 0 when position p is a position of label l
                          ** (a label on a non-step names the step it starts with) */
    uint32_t *dead_first; /* dead_reduce, else NULL: n_pos + 1 entries; the locals dead at
                          ** position p are dead_vars[dead_first[p] .. dead_first[p + 1]) */
    uint32_t *dead_vars;  /* their indices in Program.vars */
} Template;

/* One thread: an instance of a template. */
typedef struct Thread {
    char *name;        /* "worker[1]", or "producer" for a single thread */
    uint32_t tmpl;     /* its template */
    uint32_t index;    /* its instance index, the value of 'id' */
    uint32_t bit_base; /* absolute bit offset of its block in the state vector */
} Thread;

/* ---- properties ---- */

typedef enum { PROP_INVARIANT, PROP_FINAL } PropKind;

/* A value shown when a property breaks: "counter = 7", "count(worker@write) = 2". */
typedef struct PropTerm {
    char *text;    /* as written in the property: "counter", "cache[1]", "worker[0].tmp" */
    int32_t var;   /* >= 0: show this whole shared variable (an array indexed by a quantifier
                   ** variable); -1: evaluate 'code' */
    uint32_t code; /* index in Program.prop_code of an expression ending in RET */
} PropTerm;

typedef struct Property {
    PropKind kind;    /* invariant or final */
    char *label;      /* its label, or NULL when unlabelled */
    char *text;       /* the expression as written */
    uint32_t line;    /* line of the declaration */
    uint32_t code;    /* index in Program.prop_code of its expression, ending in RET */
    uint32_t n_terms; /* values to show when it breaks, in order of first appearance */
    PropTerm *terms;
} Property;

/* An assert statement's text, as the report names it: "assert at line 31 (assert slot ==
** received) fails", also inside an atomic block, where it has no position of its own. */
typedef struct AssertText {
    uint32_t line; /* its line: a failing assert's violation is named by it */
    char *text;    /* the statement as written on one line: "assert slot == received" */
} AssertText;

/* ---- the program ---- */

typedef struct Program {
    char *model_name;    /* the model's file name, as given */
    uint32_t state_size; /* bytes of a state vector: every field's bits, packed, rounded up */
    uint32_t n_vars;     /* shared variables first, then each template's locals */
    Var *vars;
    uint32_t n_shared; /* vars[0 .. n_shared) are the shared ones, in declaration order */
    uint32_t n_mutexes;
    Mutex *mutexes;
    uint32_t n_conds;
    Cond *conds;
    uint32_t n_queues;
    Queue *queues;
    uint32_t n_templates;
    Template *templates;
    uint32_t n_threads; /* instances of all templates, in declaration order */
    Thread *threads;
    uint32_t n_props; /* invariants and finals in declaration order */
    Property *props;
    uint32_t n_prop_code;
    Ins *prop_code; /* code of every property expression and term */
    uint32_t *prop_code_line;
    uint32_t n_asserts; /* every assert statement of every template, once (by its line) */
    AssertText *asserts;
    uint32_t n_slots;   /* quantifier slots that property code needs (QBEGIN uses a, a+1) */
    uint32_t stack_max; /* deepest value stack any code needs */
    uint32_t n_consts;  /* constants after -D overrides, for reports */
    char **const_names;
    int32_t *const_values;
    /* --max-preemptions (compile_bound_preemptions): only schedules with at most max_preemptions
    ** preemptions are explored. Two fields follow the thread blocks: the thread that took the
    ** last step, plus 1 (0 before the first step), and the preemptions taken so far; a state is
    ** then a configuration with that history, and exec.c holds back a step that would preempt
    ** once the preemptions are spent. */
    bool is_bounded;          /* the two fields exist and the bound holds */
    uint32_t max_preemptions; /* is_bounded: the most preemptions a schedule may take */
    uint32_t last_bit_off;    /* is_bounded: the last step's thread + 1 */
    uint8_t last_bits;        /*   ... enough for 0 .. n_threads */
    uint32_t preempt_bit_off; /* is_bounded: the preemptions taken */
    uint8_t preempt_bits;     /*   ... enough for 0 .. max_preemptions */
    /* --reduce dead (dead.h): an END_STEP with b = 1 resets the locals dead at its position. */
    bool is_reduced_dead; /* dead_reduce ran */
    uint32_t n_dead;      /* (position, local) pairs it resets */
} Program;

void prog_free(Program *prog); /* prog_free(NULL) does nothing */

/* The initial state vector (prog->state_size bytes) written to 'out'. */
void prog_initial_state(const Program *prog, uint8_t *out);

/* True if some thread has an 'assert': with no invariant or final either, a check of the
** model looks for deadlocks and runtime errors only (the report says so). */
bool prog_has_assert(const Program *prog);

/* The text of the assert statement at 'line' ("assert x == 0"), or NULL when there is none. */
const char *prog_assert_text(const Program *prog, uint32_t line);

/* True if 'prog' has a 'final': it expects schedules to end with every thread finished (a check
** then looks for states from which none can, where no final is ever checked). */
bool prog_has_final(const Program *prog);

/* The name of an opcode ("LOAD_G"). */
const char *prog_op_name(Opcode op);

/* A readable listing of the whole program: layout, positions, code (tests compare it). */
void prog_dump(const Program *prog, FILE *out);

#endif
