-- counter_race.m -- the Murphi twin of tests/bench/counter_race.weft (models/counter_race.weft
-- with ranges), for Rumur, at the same atomicity.
--
-- Murphi has no processes: each weft thread worker[i] is the ruleset index i, with its own
-- program counter pc[i]. One weft step is one rule firing. 'repeat ITERS' is unrolled by weft
-- (no loop counter in the state), so pc[i] counts the steps taken: an even pc is the read of
-- round pc/2, an odd pc its write, and pc = 2*ITERS is 'done' (a finished thread stays).
--
-- Ranges, as tests/bench/counter_race.weft declares them ('counter' and 'tmp' 0..N*ITERS; the
-- plain example models/counter_race.weft declares none and keeps 32 bits each). Every reachable
-- value lies in 0..N*ITERS (each write stores a value read plus one, at most N*ITERS writes),
-- so the range covers every reachable value (Rumur stops with an error on an out-of-range
-- assignment, weft reports a runtime error), hence it changes no state count.
--
-- tests/bench/rumur_compare.sh rewrites the two constants below (N = 4, ITERS = 3: 2,986,377
-- states, as weft and pan).
--     rumur --threads 1 --deadlock-detection off -o cr.c counter_race.m
--     cc -O2 -march=native -o cr cr.c -lpthread && ./cr
const
  N: 4;
  ITERS: 2;
type
  tid: 0..N-1;
  val: 0..N*ITERS;
  pcs: 0..2*ITERS;
var
  counter: val;
  tmp: array[tid] of val;
  pc: array[tid] of pcs;

startstate begin
  counter := 0;
  for i: tid do tmp[i] := 0; pc[i] := 0; end;
end;

ruleset i: tid do
  rule "read" pc[i] < 2*ITERS & pc[i] % 2 = 0 ==>
  begin tmp[i] := counter; pc[i] := pc[i] + 1; end;

  rule "write" pc[i] % 2 = 1 ==>
  begin counter := tmp[i] + 1; pc[i] := pc[i] + 1; end;
end;
