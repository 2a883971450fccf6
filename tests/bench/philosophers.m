-- philosophers.m -- the Murphi twin of tests/bench/philosophers.weft, for Rumur.
--
-- Each philosopher phil[i] is the ruleset index i with a program counter pc[i] over the five
-- steps of a round: 0 the 'while true' test, 1 take the left fork (wait until free, take: one
-- weft atomic block, one rule), 2 take the right fork, 3 put the right one back, 4 put the
-- left one back (then pc 0 again). fork[i] is 0..1, as declared in weft. The deadlock (every
-- philosopher holding its left fork) is a state with no enabled rule: rumur_compare.sh
-- generates the verifier with --deadlock-detection off so that the search counts every state.
-- tests/bench/rumur_compare.sh rewrites N (N = 10: 3,041,599 states, as weft and pan).
const
  N: 5;
type
  tid: 0..N-1;
var
  fork: array[tid] of 0..1;
  pc: array[tid] of 0..4;

startstate begin
  for i: tid do fork[i] := 0; pc[i] := 0; end;
end;

ruleset i: tid do
  rule "loop test" pc[i] = 0 ==>
  begin pc[i] := 1; end;

  rule "take left" pc[i] = 1 & fork[i] = 0 ==>
  begin fork[i] := 1; pc[i] := 2; end;

  rule "take right" pc[i] = 2 & fork[(i + 1) % N] = 0 ==>
  begin fork[(i + 1) % N] := 1; pc[i] := 3; end;

  rule "release right" pc[i] = 3 ==>
  begin fork[(i + 1) % N] := 0; pc[i] := 4; end;

  rule "release left" pc[i] = 4 ==>
  begin fork[i] := 0; pc[i] := 0; end;
end;
