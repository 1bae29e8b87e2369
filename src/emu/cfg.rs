//! Control-flow analysis: basic blocks, immediate post-dominators (Cooper,
//! Harvey & Kennedy's iterative algorithm on the reverse CFG), and the
//! reconvergence point of each branch — the SIMT stack's join point.

use super::ir::{Inst, Op};

/// Sentinel reconvergence point: the function's exit (never reached as a pc).
pub const EXIT: u32 = u32::MAX;

fn ends_block(op: &Op) -> bool {
    matches!(op, Op::Bra { .. } | Op::Brx { .. } | Op::Exit | Op::Ret | Op::Trap)
}

/// Sets `reconv` of every `Bra` to the first instruction of the immediate
/// post-dominator of its block (or [`EXIT`]).
pub fn set_reconvergence(code: &mut [Inst]) {
    let n = code.len();
    if n == 0 {
        return;
    }
    // Block leaders.
    let mut leader = vec![false; n + 1];
    leader[0] = true;
    for (i, inst) in code.iter().enumerate() {
        match &inst.op {
            Op::Bra { target, .. } if (*target as usize) < n => leader[*target as usize] = true,
            Op::Brx { targets, .. } => {
                for &t in targets.iter().filter(|&&t| (t as usize) < n) {
                    leader[t as usize] = true;
                }
            }
            _ => {}
        }
        if ends_block(&inst.op) {
            leader[i + 1] = true;
        }
    }
    let starts: Vec<usize> = (0..n).filter(|&i| leader[i]).collect();
    let nb = starts.len();
    let mut block_of = vec![0usize; n];
    for (b, &s) in starts.iter().enumerate() {
        let e = starts.get(b + 1).copied().unwrap_or(n);
        block_of[s..e].fill(b);
    }
    // Successors; node `nb` is the virtual exit.
    let exit = nb;
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); nb + 1];
    for (b, out) in succ.iter_mut().enumerate().take(nb) {
        let last = starts.get(b + 1).copied().unwrap_or(n) - 1;
        let inst = &code[last];
        let fall = if last + 1 < n { block_of[last + 1] } else { exit };
        match inst.op {
            Op::Bra { target, .. } => {
                let t = if (target as usize) < n { block_of[target as usize] } else { exit };
                out.push(t);
                if inst.guard.is_some() {
                    out.push(fall);
                }
            }
            Op::Brx { ref targets, .. } => {
                for &t in targets {
                    out.push(if (t as usize) < n { block_of[t as usize] } else { exit });
                }
                if inst.guard.is_some() {
                    out.push(fall);
                }
            }
            Op::Exit | Op::Ret | Op::Trap => {
                out.push(exit);
                if inst.guard.is_some() {
                    out.push(fall);
                }
            }
            _ => out.push(fall),
        }
    }
    // Reverse graph: predecessors in the reverse CFG are successors in the CFG.
    let mut rpred: Vec<Vec<usize>> = vec![Vec::new(); nb + 1];
    for (b, ss) in succ.iter().enumerate() {
        for &s in ss {
            rpred[s].push(b);
        }
    }
    // Postorder of the reverse CFG from exit (iterative DFS).
    let mut order = Vec::with_capacity(nb + 1);
    let mut seen = vec![false; nb + 1];
    let mut stack = vec![(exit, 0usize)];
    seen[exit] = true;
    while let Some(&mut (node, ref mut i)) = stack.last_mut() {
        if *i < rpred[node].len() {
            let next = rpred[node][*i];
            *i += 1;
            if !seen[next] {
                seen[next] = true;
                stack.push((next, 0));
            }
        } else {
            order.push(node);
            stack.pop();
        }
    }
    let mut po_num = vec![usize::MAX; nb + 1];
    for (i, &b) in order.iter().enumerate() {
        po_num[b] = i;
    }
    const UNDEF: usize = usize::MAX;
    let mut ipdom = vec![UNDEF; nb + 1];
    ipdom[exit] = exit;
    let mut changed = true;
    while changed {
        changed = false;
        for &b in order.iter().rev() {
            if b == exit {
                continue;
            }
            // In the reverse CFG, b's predecessors are its CFG successors.
            let mut new = UNDEF;
            for &s in &succ[b] {
                if ipdom[s] == UNDEF {
                    continue;
                }
                new = if new == UNDEF {
                    s
                } else {
                    let (mut x, mut y) = (s, new);
                    while x != y {
                        while po_num[x] < po_num[y] {
                            x = ipdom[x];
                        }
                        while po_num[y] < po_num[x] {
                            y = ipdom[y];
                        }
                    }
                    x
                };
            }
            if new != UNDEF && ipdom[b] != new {
                ipdom[b] = new;
                changed = true;
            }
        }
    }
    for i in 0..n {
        if let Op::Bra { ref mut reconv, .. } | Op::Brx { ref mut reconv, .. } = code[i].op {
            let b = block_of[i];
            let p = ipdom[b];
            *reconv = if p == UNDEF || p == exit { EXIT } else { starts[p] as u32 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emu::ir::{Reg, Src};

    fn inst(op: Op, guarded: bool) -> Inst {
        Inst { op, guard: if guarded { Some((0 as Reg, false)) } else { None }, line: 0 }
    }
    fn nop() -> Inst {
        inst(Op::Mov { d: 1, a: Src::Imm(0) }, false)
    }

    #[test]
    fn if_then_reconverges_after_then() {
        // 0: @p bra 2; 1: nop; 2: nop; 3: ret
        let mut code = vec![inst(Op::Bra { target: 2, reconv: 0 }, true), nop(), nop(), inst(Op::Ret, false)];
        set_reconvergence(&mut code);
        assert_eq!(code[0].op, Op::Bra { target: 2, reconv: 2 });
    }

    #[test]
    fn if_else_reconverges_at_join() {
        // 0: @p bra 3; 1: nop; 2: bra 4; 3: nop; 4: nop; 5: ret
        let mut code = vec![
            inst(Op::Bra { target: 3, reconv: 0 }, true),
            nop(),
            inst(Op::Bra { target: 4, reconv: 0 }, false),
            nop(),
            nop(),
            inst(Op::Ret, false),
        ];
        set_reconvergence(&mut code);
        assert_eq!(code[0].op, Op::Bra { target: 3, reconv: 4 });
    }

    #[test]
    fn loop_back_edge_reconverges_at_exit_block() {
        // 0: nop; 1: @p bra 0; 2: ret
        let mut code = vec![nop(), inst(Op::Bra { target: 0, reconv: 0 }, true), inst(Op::Ret, false)];
        set_reconvergence(&mut code);
        assert_eq!(code[1].op, Op::Bra { target: 0, reconv: 2 });
    }

    #[test]
    fn early_exit_reconverges_at_exit() {
        // 0: @p bra 2; 1: exit; 2: ret
        let mut code = vec![inst(Op::Bra { target: 2, reconv: 0 }, true), inst(Op::Exit, false), inst(Op::Ret, false)];
        set_reconvergence(&mut code);
        assert_eq!(code[0].op, Op::Bra { target: 2, reconv: EXIT });
    }
}
