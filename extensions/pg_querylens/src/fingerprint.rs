//! A cheap structural fingerprint of a finished plan tree, used as the key of the backend-local cache
//! fingerprint -> plan id. It must be at least as fine as the plan id (two plans with different plan ids
//! must have different fingerprints); being finer only costs an extra EXPLAIN. See README "Plan id rule".

use pgrx::pg_sys;

/// Deepest plan-node nesting walked; deeper trees get a fingerprint that marks the cut.
const MAX_DEPTH: usize = 200;
/// At most this many nodes are fingerprinted.
const MAX_NODES: usize = 20_000;

/// Word-at-a-time hash state (a byte-wise FNV cost ~8 multiplications per word, a third of the
/// per-statement overhead before this): every word is folded in with a multiply and an xor-shift, and the
/// result gets a final avalanche, so its low bits are as good as its high ones (it is used as a hash-map
/// hash as it is).
struct Mix {
    h: u64,
    nodes: usize,
}

const MIX: u64 = 0x9e37_79b9_7f4a_7c15;

impl Mix {
    #[inline]
    fn u64(&mut self, v: u64) {
        self.h = (self.h ^ v).wrapping_mul(MIX);
        self.h ^= self.h >> 31;
    }
    fn cstr(&mut self, p: *const std::ffi::c_char) {
        if p.is_null() {
            self.u64(0);
            return;
        }
        // SAFETY: PostgreSQL node strings are NUL-terminated.
        let s = unsafe { std::ffi::CStr::from_ptr(p) };
        let bytes = s.to_bytes();
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.u64(u64::from_le_bytes(w));
        }
        // The length ends the string (no two strings share both their padded words and their length).
        self.u64(0xff00 | bytes.len() as u64);
    }
    /// splitmix64's finaliser.
    fn finish(&self) -> u64 {
        let mut z = self.h;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The elements of a PostgreSQL `List` of pointers.
pub(crate) unsafe fn list_ptrs<T>(l: *mut pg_sys::List) -> impl Iterator<Item = *mut T> {
    let (elems, len) = if l.is_null() {
        (std::ptr::null_mut(), 0)
    } else {
        // SAFETY: a non-null List has `length` valid cells at `elements`.
        unsafe { ((*l).elements, usize::try_from((*l).length).unwrap_or(0)) }
    };
    // SAFETY: i < len cells exist; ListCell is a union whose ptr_value is read for pointer lists.
    (0..len).map(move |i| unsafe { (*elems.add(i)).ptr_value.cast::<T>() })
}

/// Fingerprint of `stmt` for `queryid` (relation, index and function OIDs, node tags, join types,
/// strategies, scan directions, tree shape, sub-plans).
pub(crate) unsafe fn plan_fingerprint(stmt: *mut pg_sys::PlannedStmt) -> u64 {
    let mut f = Mix { h: 0xcbf2_9ce4_8422_2325, nodes: 0 };
    // SAFETY: stmt is the executing statement's valid PlannedStmt.
    unsafe {
        f.u64((*stmt).queryId);
        f.u64((*stmt).commandType as u64);
        let rtable = (*stmt).rtable;
        walk(&mut f, rtable, (*stmt).planTree, 0);
        for (i, sp) in list_ptrs::<pg_sys::Plan>((*stmt).subplans).enumerate() {
            f.u64(0x5b + i as u64);
            walk(&mut f, rtable, sp, 0);
        }
    }
    f.finish()
}

unsafe fn rte(rtable: *mut pg_sys::List, rti: pg_sys::Index) -> *mut pg_sys::RangeTblEntry {
    if rti == 0 || rtable.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: rtable is a valid List of RangeTblEntry pointers; the index is checked against its length.
    unsafe {
        let i = rti as usize - 1;
        if i >= usize::try_from((*rtable).length).unwrap_or(0) {
            return std::ptr::null_mut();
        }
        (*(*rtable).elements.add(i)).ptr_value.cast()
    }
}

unsafe fn hash_rte(f: &mut Mix, rtable: *mut pg_sys::List, rti: pg_sys::Index) {
    // SAFETY: see rte().
    let r = unsafe { rte(rtable, rti) };
    f.u64(u64::from(rti));
    if r.is_null() {
        return;
    }
    // SAFETY: r is a valid RangeTblEntry.
    unsafe {
        f.u64(((*r).rtekind as u64) << 32 | u64::from((*r).relid.to_u32()));
        if (*r).rtekind == pg_sys::RTEKind::RTE_CTE {
            f.cstr((*r).ctename);
        }
        if (*r).rtekind == pg_sys::RTEKind::RTE_FUNCTION {
            for rf in list_ptrs::<pg_sys::RangeTblFunction>((*r).functions) {
                let e = (*rf).funcexpr;
                if !e.is_null() && (*e).type_ == pg_sys::NodeTag::T_FuncExpr {
                    f.u64(u64::from((*e.cast::<pg_sys::FuncExpr>()).funcid.to_u32()));
                }
            }
        }
    }
}

unsafe fn walk(f: &mut Mix, rtable: *mut pg_sys::List, p: *mut pg_sys::Plan, depth: usize) {
    if p.is_null() {
        f.u64(0x00);
        return;
    }
    f.nodes += 1;
    if depth > MAX_DEPTH || f.nodes > MAX_NODES {
        f.u64(0xdead);
        return;
    }
    use pg_sys::NodeTag as T;
    // SAFETY: p is a valid Plan node; each cast below matches the node's tag.
    unsafe {
        let tag = (*p).type_;
        f.u64(0x2800 | (tag as u64) << 16 | u64::from((*p).parallel_aware));
        match tag {
            T::T_SeqScan
            | T::T_SampleScan
            | T::T_BitmapHeapScan
            | T::T_TidScan
            | T::T_FunctionScan
            | T::T_ValuesScan
            | T::T_TableFuncScan
            | T::T_CteScan
            | T::T_NamedTuplestoreScan
            | T::T_WorkTableScan
            | T::T_SubqueryScan
            | T::T_ForeignScan
            | T::T_CustomScan => hash_rte(f, rtable, (*p.cast::<pg_sys::Scan>()).scanrelid),
            // TID range scans are PostgreSQL 14 and later.
            #[cfg(not(feature = "pg13"))]
            T::T_TidRangeScan => hash_rte(f, rtable, (*p.cast::<pg_sys::Scan>()).scanrelid),
            T::T_IndexScan => {
                let s = p.cast::<pg_sys::IndexScan>();
                hash_rte(f, rtable, (*s).scan.scanrelid);
                f.u64(u64::from((*s).indexid.to_u32()));
                f.u64((*s).indexorderdir as u64);
            }
            T::T_IndexOnlyScan => {
                let s = p.cast::<pg_sys::IndexOnlyScan>();
                hash_rte(f, rtable, (*s).scan.scanrelid);
                f.u64(u64::from((*s).indexid.to_u32()));
                f.u64((*s).indexorderdir as u64);
            }
            T::T_BitmapIndexScan => {
                let s = p.cast::<pg_sys::BitmapIndexScan>();
                hash_rte(f, rtable, (*s).scan.scanrelid);
                f.u64(u64::from((*s).indexid.to_u32()));
            }
            T::T_NestLoop | T::T_MergeJoin | T::T_HashJoin => {
                f.u64((*p.cast::<pg_sys::Join>()).jointype as u64);
            }
            T::T_Agg => {
                let a = p.cast::<pg_sys::Agg>();
                f.u64((*a).aggstrategy as u64);
                f.u64((*a).aggsplit as u64);
            }
            T::T_SetOp => {
                let s = p.cast::<pg_sys::SetOp>();
                f.u64((*s).cmd as u64);
                f.u64((*s).strategy as u64);
            }
            T::T_ModifyTable => {
                let m = p.cast::<pg_sys::ModifyTable>();
                f.u64((*m).operation as u64);
                hash_rte(f, rtable, (*m).nominalRelation);
            }
            _ => {}
        }
        if tag == T::T_ForeignScan {
            f.u64((*p.cast::<pg_sys::ForeignScan>()).operation as u64);
        }
        if tag == T::T_CustomScan {
            let m = (*p.cast::<pg_sys::CustomScan>()).methods;
            if !m.is_null() {
                f.cstr((*m).CustomName);
            }
        }
        // Init plans attached here (their trees are hashed once, from PlannedStmt.subplans).
        for sp in list_ptrs::<pg_sys::SubPlan>((*p).initPlan) {
            f.u64(0x49);
            f.u64(u64::try_from((*sp).plan_id).unwrap_or(0));
        }
        // Children: absent ones hashed here rather than in a call (most nodes have at most one).
        for (mark, child) in [(0x4c, (*p).lefttree), (0x52, (*p).righttree)] {
            if child.is_null() {
                f.u64(mark << 8);
            } else {
                f.u64(mark);
                walk(f, rtable, child, depth + 1);
            }
        }
        let extra: *mut pg_sys::List = match tag {
            T::T_Append => (*p.cast::<pg_sys::Append>()).appendplans,
            T::T_MergeAppend => (*p.cast::<pg_sys::MergeAppend>()).mergeplans,
            T::T_BitmapAnd => (*p.cast::<pg_sys::BitmapAnd>()).bitmapplans,
            T::T_BitmapOr => (*p.cast::<pg_sys::BitmapOr>()).bitmapplans,
            T::T_CustomScan => (*p.cast::<pg_sys::CustomScan>()).custom_plans,
            _ => std::ptr::null_mut(),
        };
        for c in list_ptrs::<pg_sys::Plan>(extra) {
            f.u64(0x4d);
            walk(f, rtable, c, depth + 1);
        }
        if tag == T::T_SubqueryScan {
            f.u64(0x53);
            walk(f, rtable, (*p.cast::<pg_sys::SubqueryScan>()).subplan, depth + 1);
        }
        f.u64(0x29);
    }
}
