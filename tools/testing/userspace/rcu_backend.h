/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The part of the RCU shim that depends on the backend (rcu_backend.c).
 * shim.c builds the kernel API on top: nesting, registration checks,
 * grace-period numbering, callbacks.
 */
#ifndef _SHIM_RCU_BACKEND_H
#define _SHIM_RCU_BACKEND_H

/* Outermost rcu_read_lock()/rcu_read_unlock() of the calling thread. */
void rcu_backend_read_lock(void);
void rcu_backend_read_unlock(void);

/* Wait until every read-side critical section that started before ends. */
void rcu_backend_synchronize(void);

void rcu_backend_register(void);
void rcu_backend_unregister(void);

#endif /* _SHIM_RCU_BACKEND_H */
