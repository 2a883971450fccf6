-- locked_counter.m -- the Murphi twin of tests/bench/locked_counter.weft, for Rumur.
--
-- Each thread worker[i] is the ruleset index i with its own program counter pc[i]; one weft
-- step is one rule firing. 'repeat ITERS' is unrolled (no loop counter in the state): round r
-- takes pc 4r (lock m: wait until free, take it), 4r+1 (read), 4r+2 (write), 4r+3 (unlock),
-- and pc = 4*ITERS is 'done' (a finished thread stays). The mutex owner is 0 when free, else
-- the thread index + 1, as in weft (0..N).
--
-- Ranges as declared in weft: 'counter' and 'tmp' 0..N*ITERS. Every reachable value lies in
-- that range (each round under the lock adds one to 'counter'), so it changes no count.
--
-- weft checks its invariant (at most one worker at 'write') in every state, and so does this
-- twin: no two workers are at pc 4r+2 at once.
-- tests/bench/rumur_compare.sh rewrites the constants (N = 4, ITERS = 4: 1,291,193 states).
const
  N: 3;
  ITERS: 2;
type
  tid: 0..N-1;
  val: 0..N*ITERS;
  pcs: 0..4*ITERS;
var
  counter: val;
  m: 0..N;
  tmp: array[tid] of val;
  pc: array[tid] of pcs;

startstate begin
  counter := 0;
  m := 0;
  for i: tid do tmp[i] := 0; pc[i] := 0; end;
end;

ruleset i: tid do
  rule "lock" pc[i] < 4*ITERS & pc[i] % 4 = 0 & m = 0 ==>
  begin m := i + 1; pc[i] := pc[i] + 1; end;

  rule "read" pc[i] % 4 = 1 ==>
  begin tmp[i] := counter; pc[i] := pc[i] + 1; end;

  rule "write" pc[i] % 4 = 2 ==>
  begin counter := tmp[i] + 1; pc[i] := pc[i] + 1; end;

  rule "unlock" pc[i] % 4 = 3 ==>
  begin m := 0; pc[i] := pc[i] + 1; end;
end;

-- weft's 'invariant mutual_exclusion: count(worker@write) <= 1'
invariant "mutual_exclusion"
  forall i: tid do forall j: tid do
    i = j | !(pc[i] % 4 = 2 & pc[j] % 4 = 2)
  end end;
