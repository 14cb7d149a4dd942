/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_LLIST_H
#define _SHIM_LINUX_LLIST_H

/*
 * Lock-free singly linked list: any number of concurrent llist_add() and
 * llist_del_all(). The list is a stack, so llist_del_all() returns the
 * newest entry first; llist_reverse_order() gives insertion order.
 */

#include <stdbool.h>
#include <linux/atomic.h>
#include <linux/container_of.h>

struct llist_node {
	struct llist_node *next;
};

struct llist_head {
	struct llist_node *first;
};

#define LLIST_HEAD_INIT(name)	{ NULL }
#define LLIST_HEAD(name)	struct llist_head name = LLIST_HEAD_INIT(name)

static inline void init_llist_head(struct llist_head *list)
{
	list->first = NULL;
}

#define llist_entry(ptr, type, member)	container_of(ptr, type, member)

#define llist_for_each(pos, node)	\
	for ((pos) = (node); (pos); (pos) = (pos)->next)

#define llist_for_each_safe(pos, n, node)				\
	for ((pos) = (node); (pos) && ((n) = (pos)->next, true); (pos) = (n))

/* NULL stays NULL: no container_of() arithmetic on a NULL pointer. */
#define __llist_entry_or_null(ptr, type, member) ({			\
	struct llist_node *__ln = (ptr);				\
									\
	__ln ? llist_entry(__ln, type, member) : NULL;			\
})

#define llist_for_each_entry(pos, node, member)				\
	for ((pos) = __llist_entry_or_null(node, typeof(*(pos)), member); \
	     (pos);							\
	     (pos) = __llist_entry_or_null((pos)->member.next,		\
					   typeof(*(pos)), member))

/* pos may be freed in the body. */
#define llist_for_each_entry_safe(pos, n, node, member)			\
	for ((pos) = __llist_entry_or_null(node, typeof(*(pos)), member); \
	     (pos) && ((n) = __llist_entry_or_null((pos)->member.next,	\
						   typeof(*(n)), member), true); \
	     (pos) = (n))

static inline bool llist_empty(const struct llist_head *head)
{
	return READ_ONCE(head->first) == NULL;
}

static inline struct llist_node *llist_next(struct llist_node *node)
{
	return node->next;
}

/*
 * Push the chain new_first..new_last. The cmpxchg publishes the chain's
 * next pointers; it pairs with the xchg in llist_del_all(). Returns true if
 * the list was empty.
 */
static inline bool llist_add_batch(struct llist_node *new_first,
				   struct llist_node *new_last,
				   struct llist_head *head)
{
	struct llist_node *first = READ_ONCE(head->first);

	do {
		new_last->next = first;
	} while (!try_cmpxchg(&head->first, &first, new_first));
	return first == NULL;
}

static inline bool llist_add(struct llist_node *new, struct llist_head *head)
{
	return llist_add_batch(new, new, head);
}

/* Take the whole list, newest first. Pairs with llist_add_batch(). */
static inline struct llist_node *llist_del_all(struct llist_head *head)
{
	return xchg(&head->first, NULL);
}

/* Reverse a chain taken by llist_del_all(); returns the new first node. */
static inline struct llist_node *llist_reverse_order(struct llist_node *head)
{
	struct llist_node *new_head = NULL;

	while (head) {
		struct llist_node *next = head->next;

		head->next = new_head;
		new_head = head;
		head = next;
	}
	return new_head;
}

#endif /* _SHIM_LINUX_LLIST_H */
