-- peterson.m -- the Murphi twin of tests/bench/peterson.weft (the filter lock), for Rumur.
--
-- Each thread p[i] is the ruleset index i with a program counter pc[i]; every weft step (each
-- loop test and 'if' test included) is one rule firing:
--    0  'while true' test           7  'if k != id' test
--    1  l = 1                       8  await level[k] < l || victim[l] != id
--    2  'while l < N' test          9  k = k + 1
--    3  level[id] = l              10  l = l + 1
--    4  victim[l] = id             11  cs: skip
--    5  k = 0                      12  level[id] = 0   (then pc 0)
--    6  'while k < N' test
-- Ranges as declared in weft: level[], victim[] 0..N-1, the locals l and k 0..N.
-- weft checks its invariant (at most one thread at 'cs') in every state, and so does this twin:
-- no two threads are at pc 11 at once.
-- tests/bench/rumur_compare.sh rewrites N (N = 3: 82,066 states, as weft and pan).
const
  N: 3;
type
  tid: 0..N-1;
var
  level: array[tid] of 0..N-1;
  victim: array[tid] of 0..N-1;
  l: array[tid] of 0..N;
  k: array[tid] of 0..N;
  pc: array[tid] of 0..12;

startstate begin
  for i: tid do level[i] := 0; victim[i] := 0; l[i] := 0; k[i] := 0; pc[i] := 0; end;
end;

ruleset i: tid do
  rule "while true" pc[i] = 0 ==> begin pc[i] := 1; end;
  rule "l = 1" pc[i] = 1 ==> begin l[i] := 1; pc[i] := 2; end;
  rule "while l < N" pc[i] = 2 ==>
  begin if l[i] < N then pc[i] := 3; else pc[i] := 11; end; end;
  rule "level[id] = l" pc[i] = 3 ==> begin level[i] := l[i]; pc[i] := 4; end;
  rule "victim[l] = id" pc[i] = 4 ==> begin victim[l[i]] := i; pc[i] := 5; end;
  rule "k = 0" pc[i] = 5 ==> begin k[i] := 0; pc[i] := 6; end;
  rule "while k < N" pc[i] = 6 ==>
  begin if k[i] < N then pc[i] := 7; else pc[i] := 10; end; end;
  rule "if k != id" pc[i] = 7 ==>
  begin if k[i] != i then pc[i] := 8; else pc[i] := 9; end; end;
  rule "await" pc[i] = 8 & (level[k[i]] < l[i] | victim[l[i]] != i) ==>
  begin pc[i] := 9; end;
  rule "k = k + 1" pc[i] = 9 ==> begin k[i] := k[i] + 1; pc[i] := 6; end;
  rule "l = l + 1" pc[i] = 10 ==> begin l[i] := l[i] + 1; pc[i] := 2; end;
  rule "cs" pc[i] = 11 ==> begin pc[i] := 12; end;
  rule "level[id] = 0" pc[i] = 12 ==> begin level[i] := 0; pc[i] := 0; end;
end;

-- weft's 'invariant mutual_exclusion: count(p@cs) <= 1'
invariant "mutual_exclusion"
  forall i: tid do forall j: tid do
    i = j | !(pc[i] = 11 & pc[j] = 11)
  end end;
