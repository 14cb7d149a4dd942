// SPDX-License-Identifier: GPL-2.0-only
/*
 * device: /dev/lfce, its file operations, ioctl dispatch and mmap.
 *
 * This file is plumbing only: it copies arguments in and out through abi.c,
 * checks who may do what, and calls the game and the engine. It holds no
 * game logic.
 */
#include <linux/bits.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/lfce.h>

#include "abi.h"
#include "compat.h"
#include "device.h"
#include "game.h"
#include "rules.h"

#define NO_SEAT		U32_MAX

/*
 * One open file: attached to at most one game, holding at most one seat.
 * @lock serialises the ioctls that change the handle itself (attach, join,
 * leave); commits do not take it.
 */
struct handle {
	struct mutex lock;
	struct lfce_game *game;		/* set once, under lock */
	u32 seat;			/* NO_SEAT, or claimed in game->claim */
	u32 seat_uid;			/* the uid @seat is bound to */
	bool writable;
	u64 cursor;			/* next journal record for read(2), under lock */
	struct lfce_game_writer *writer;	/* made by its first commit, under lock */
};

static struct handle *to_handle(struct file *file)
{
	return file->private_data;
}

/* The attached game, or NULL; its reference lives as long as the file. */
static struct lfce_game *attached(struct handle *h)
{
	return smp_load_acquire(&h->game);	/* pairs with attach() */
}

static bool is_owner(const struct lfce_game *game)
{
	return uid_eq(current_euid(), game->owner) || capable(CAP_SYS_ADMIN);
}

static int open_game(struct handle *h, struct lfce_game **game)
{
	*game = attached(h);
	if (!*game)
		return -ENOTCONN;
	if (READ_ONCE((*game)->closed))
		return -ENODEV;
	return 0;
}

static void attach_locked(struct handle *h, struct lfce_game *game)
{
	lockdep_assert_held(&h->lock);
	smp_store_release(&h->game, game);	/* pairs with attached() */
}

static int attach(struct handle *h, struct lfce_game *game)
{
	int ret = -EINTR;

	if (mutex_lock_killable(&h->lock))
		goto out;
	ret = h->game ? -EISCONN : 0;
	if (!ret)
		attach_locked(h, game);
	mutex_unlock(&h->lock);
out:
	if (ret)
		lfce_game_put(game);
	return ret;
}

/*
 * Bytes after the size field: output fields and reserved ones must be zero
 * on input (uapi, "Argument structs").
 */
static int check_zero_in(const void *karg, size_t ksize)
{
	return memchr_inv(karg + sizeof(u32), 0, ksize - sizeof(u32)) ? -EINVAL : 0;
}

static long ioctl_version(void __user *uarg)
{
	struct lfce_version arg;
	u32 usize;
	int ret;

	ret = lfce_abi_copy_in(&arg, sizeof(arg), LFCE_VERSION_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	ret = check_zero_in(&arg, sizeof(arg));
	if (ret)
		return ret;
	memset(&arg, 0, sizeof(arg));
	arg.abi_version = LFCE_ABI_VERSION;
	arg.features = __LFCE_FEATURE_ALL;
	return lfce_abi_copy_out(uarg, usize, &arg, sizeof(arg));
}

/*
 * struct lfce_config grew in LFCE_CREATE_SIZE_VER1, which moved game_id: a
 * VER0 caller has it at offset 64, where the config's VER1 fields are now.
 * On input it must be zero, which leaves those fields at their default.
 */
#define CREATE_VER0_ID	(LFCE_CREATE_SIZE_VER0 - sizeof(__u64))

static int create_ver0_in(const struct lfce_create *arg, u32 usize)
{
	BUILD_BUG_ON(offsetof(struct lfce_create, config.governable) != CREATE_VER0_ID);
	BUILD_BUG_ON(sizeof(struct lfce_create) != LFCE_CREATE_SIZE_VER1);
	if (usize >= LFCE_CREATE_SIZE_VER1)
		return 0;
	if (usize != LFCE_CREATE_SIZE_VER0)
		return -EINVAL;
	return memchr_inv((const u8 *)arg + CREATE_VER0_ID, 0, sizeof(__u64)) ? -EINVAL : 0;
}

/* ... and on output it gets game_id there. */
static void create_ver0_out(struct lfce_create *arg, u32 usize)
{
	if (usize < LFCE_CREATE_SIZE_VER1)
		memcpy((u8 *)arg + CREATE_VER0_ID, &arg->game_id, sizeof(arg->game_id));
}

static long ioctl_create(struct handle *h, void __user *uarg)
{
	struct lfce_create arg;
	struct lfce_game *game;
	u32 usize;
	int ret;

	ret = lfce_abi_copy_in(&arg, sizeof(arg), LFCE_CREATE_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (!h->writable)
		return -EBADF;
	ret = create_ver0_in(&arg, usize);
	if (ret)
		return ret;
	if (arg.flags || arg.game_id)
		return -EINVAL;
	/*
	 * One CREATE at a time per handle: a second must not make a game. The
	 * handle's lock is held across user copies, which may fault on memory
	 * another process of the file controls: every wait for it is killable.
	 */
	if (mutex_lock_killable(&h->lock))
		return -EINTR;
	ret = -EISCONN;
	if (h->game)
		goto out;
	ret = lfce_abi_probe_out(uarg, usize, &arg, sizeof(arg));
	if (ret)
		goto out;
	game = lfce_game_create(&arg.config, current_euid());
	ret = PTR_ERR_OR_ZERO(game);
	if (ret)
		goto out;
	arg.game_id = game->id;
	attach_locked(h, game);
out:
	mutex_unlock(&h->lock);
	if (ret)
		return ret;
	create_ver0_out(&arg, usize);
	return lfce_abi_copy_out(uarg, usize, &arg, sizeof(arg));
}

static long ioctl_attach(struct handle *h, void __user *uarg)
{
	struct lfce_attach arg;
	struct lfce_game *game;
	u32 usize;
	int ret;

	ret = lfce_abi_copy_in(&arg, sizeof(arg), LFCE_ATTACH_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (arg.flags)
		return -EINVAL;
	game = lfce_game_get(arg.game_id);
	if (!game)
		return -ENOENT;
	return attach(h, game);
}

/*
 * The uid a seat is bound to, as the initial namespace sees it: a uid
 * inside a user namespace is the caller's own choice, and would let anyone
 * pass for a seat's player or for many distinct players.
 */
static u32 caller_uid(void)
{
	return from_kuid_munged(&init_user_ns, current_euid());
}

/*
 * The seat a JOIN should claim: @want, or by the rules' choice for
 * LFCE_SEAT_ANY, passing over the seats other handles have claimed.
 */
static u32 pick_seat(struct lfce_game *game, u32 want, const struct lfce_snapshot *s)
{
	u32 i, busy = 0;
	int seat;

	if (want != LFCE_SEAT_ANY)
		return want;	/* checked by the caller */
	for (i = 0; i < LFCE_MAX_SEATS; i++)
		if (READ_ONCE(game->claim[i]))
			busy |= BIT(i);
	seat = lfce_rules_join_seat(s, caller_uid(), busy);
	return seat < 0 ? NO_SEAT : seat;
}

/*
 * Commit through the handle's own writer, which its first commit makes.
 * Under h->lock, which serialises the writer's uses.
 */
static int handle_commit(struct handle *h, struct lfce_game *game, const struct lfce_op *ops,
			 u32 n, bool nonblock, u64 *version)
{
	lockdep_assert_held(&h->lock);
	if (!h->writer) {
		h->writer = lfce_game_writer_new(game, nonblock);
		if (!h->writer)
			return nonblock ? -EAGAIN : -ENOMEM;
	}
	return lfce_game_commit(game, h->writer, ops, n, nonblock, version);
}

/*
 * Claim the seat for this handle, then commit the JOIN. The claim comes
 * first so that two handles cannot both commit a join of one seat; a
 * refused commit gives the claim back.
 */
static int join(struct handle *h, struct lfce_game *game, struct lfce_join *arg,
		bool nonblock)
{
	struct lfce_op op = { .type = LFCE_OP_JOIN, .nonce = arg->nonce };
	struct lfce_snapshot *s;
	int ret;

	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	lfce_engine_read(&game->engine, s, NULL);
	op.seat = pick_seat(game, arg->seat, s);
	kfree(s);
	if (op.seat == NO_SEAT)
		return -EUSERS;
	if (!lfce_game_claim(game, op.seat, h))
		return -EBUSY;
	memcpy(op.u.join.id, arg->id, sizeof(arg->id));
	op.u.join.uid = caller_uid();
	ret = handle_commit(h, game, &op, 1, nonblock, &arg->version);
	if (ret) {
		lfce_game_unclaim(game, op.seat, h);
		return ret;
	}
	h->seat_uid = op.u.join.uid;
	WRITE_ONCE(h->seat, op.seat);
	arg->seat = op.seat;
	return 0;
}

static long ioctl_join(struct handle *h, struct file *file, void __user *uarg)
{
	struct lfce_game *game;
	struct lfce_join arg;
	u32 usize;
	int ret;

	ret = lfce_abi_copy_in(&arg, sizeof(arg), LFCE_JOIN_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (!h->writable)
		return -EBADF;
	if (arg.version || (arg.seat != LFCE_SEAT_ANY && arg.seat >= LFCE_MAX_SEATS))
		return -EINVAL;
	ret = open_game(h, &game);
	if (ret)
		return ret;
	ret = lfce_abi_probe_out(uarg, usize, &arg, sizeof(arg));
	if (ret)
		return ret;
	if (mutex_lock_killable(&h->lock))
		return -EINTR;
	ret = h->seat == NO_SEAT ? join(h, game, &arg, file->f_flags & O_NONBLOCK) : -EISCONN;
	mutex_unlock(&h->lock);
	if (ret)
		return ret;
	return lfce_abi_copy_out(uarg, usize, &arg, sizeof(arg));
}

/*
 * Player operations act as the handle's own seat, and the caller must be
 * the uid that seat is bound to, on every call, just as owner operations
 * check the owner's: a handle passed on (fork, SCM_RIGHTS) or kept across
 * setuid() does not carry the seat to another uid. Called under h->lock.
 */
static int own_seat(struct handle *h, const struct lfce_op *op)
{
	if (h->seat == NO_SEAT)
		return -ENOTCONN;
	if (op->seat != h->seat || caller_uid() != h->seat_uid)
		return -EPERM;
	return 0;
}

/*
 * Who may submit @op through @h: players act as their own seat, the owner
 * (or CAP_SYS_ADMIN) does owner operations, anyone attached may expire a
 * round or lapse a proposal, and what needs a quorum nobody submits. The
 * fields marked "set by the kernel" are filled in here. Nothing about a roll
 * is: its seed comes from the game's key, inside the commit (seed.h), so
 * submitting again cannot draw new dice.
 */
static int authorise(struct handle *h, struct lfce_game *game, struct lfce_op *op)
{
	switch (op->type) {
	case LFCE_OP_LEAVE:
	case LFCE_OP_BET:
	case LFCE_OP_UNBET:
	case LFCE_OP_CLOSE:
	case LFCE_OP_COMMIT:
	case LFCE_OP_REVEAL:
	case LFCE_OP_VOTE:
		return own_seat(h, op);
	case LFCE_OP_PROPOSE:
		op->u.propose.id = 0;
		return own_seat(h, op);
	case LFCE_OP_DEPOSIT:
	case LFCE_OP_WITHDRAW:
	case LFCE_OP_SETTLE:
	case LFCE_OP_ROLL:		/* host dice: only the owner rolls */
		if (!is_owner(game))
			return -EPERM;
		/* Nonce 0 is the kernel's own: a forced close's SETTLEs. */
		return op->nonce ? 0 : -EINVAL;
	case LFCE_OP_BAN:
	case LFCE_OP_TRANSFER:
	case LFCE_OP_CONFIG:
		return -EPERM;		/* only as a proposal's action */
	case LFCE_OP_LAPSE:
	case LFCE_OP_EXPIRE:
		return 0;
	}
	return -EINVAL;		/* unknown types, and JOIN: use LFCE_IOC_JOIN */
}

/* A successful LEAVE lets go of the seat. */
static void after_commit(struct handle *h, struct lfce_game *game,
			 const struct lfce_op *ops, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (ops[i].type == LFCE_OP_LEAVE && ops[i].seat == h->seat) {
			lfce_game_unclaim(game, h->seat, h);
			WRITE_ONCE(h->seat, NO_SEAT);
		}
	}
}

/* Batches up to this long are copied to the stack: no allocation per commit. */
#define SUBMIT_ON_STACK	4

static int submit(struct handle *h, struct lfce_game *game, struct lfce_submit *arg,
		  bool nonblock)
{
	void __user *uops = u64_to_user_ptr(arg->ops);
	struct lfce_op small[SUBMIT_ON_STACK], *ops = small;
	u32 i;
	int ret;

	if (arg->count <= ARRAY_SIZE(small)) {
		if (copy_from_user(small, uops, arg->count * sizeof(*ops)))
			return -EFAULT;
	} else {
		ops = memdup_user(uops, arg->count * sizeof(*ops));
		if (IS_ERR(ops))
			return PTR_ERR(ops);
	}
	for (i = 0; i < arg->count; i++) {
		ret = authorise(h, game, &ops[i]);
		if (ret)
			goto out;
	}
	ret = handle_commit(h, game, ops, arg->count, nonblock, &arg->version);
	if (!ret)
		after_commit(h, game, ops, arg->count);
out:
	if (ops != small)
		kfree(ops);
	return ret;
}

static long ioctl_submit(struct handle *h, struct file *file, void __user *uarg)
{
	struct lfce_submit arg;
	struct lfce_game *game;
	u32 usize;
	int ret;

	ret = lfce_abi_copy_in(&arg, sizeof(arg), LFCE_SUBMIT_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (!h->writable)
		return -EBADF;
	if (!arg.count || arg.version)
		return -EINVAL;
	ret = open_game(h, &game);
	if (ret)
		return ret;
	if (arg.count > game->engine.batch_max)
		return -EMSGSIZE;
	/* The version goes back after the commit: no commit it cannot reach. */
	ret = lfce_abi_probe_out(uarg, usize, &arg, sizeof(arg));
	if (ret)
		return ret;
	/* A LEAVE must not race a JOIN on this handle. */
	if (mutex_lock_killable(&h->lock))
		return -EINTR;
	ret = submit(h, game, &arg, file->f_flags & O_NONBLOCK);
	mutex_unlock(&h->lock);
	if (ret)
		return ret;
	return lfce_abi_copy_out(uarg, usize, &arg, sizeof(arg));
}

static long ioctl_get(struct handle *h, void __user *uarg)
{
	struct lfce_snapshot *s;
	struct lfce_game *game;
	struct lfce_get arg;
	u32 usize;
	int ret;

	ret = lfce_abi_copy_in(&arg, sizeof(arg), LFCE_GET_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (arg.snap_size < sizeof(*s) || arg.version)
		return -EINVAL;
	game = attached(h);
	if (!game)
		return -ENOTCONN;
	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	lfce_engine_read(&game->engine, s, NULL);
	arg.version = s->table.version;
	ret = copy_to_user(u64_to_user_ptr(arg.snap), s, sizeof(*s)) ? -EFAULT : 0;
	kfree(s);
	if (ret)
		return ret;
	return lfce_abi_copy_out(uarg, usize, &arg, sizeof(arg));
}

static long ioctl_stats(struct handle *h, void __user *uarg)
{
	struct lfce_game *game;
	struct lfce_stats arg;
	u32 usize;
	int ret;

	ret = lfce_abi_copy_in(&arg, sizeof(arg), LFCE_STATS_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	ret = check_zero_in(&arg, sizeof(arg));
	if (ret)
		return ret;
	game = attached(h);
	if (!game)
		return -ENOTCONN;
	lfce_engine_stats(&game->engine, &arg);
	return lfce_abi_copy_out(uarg, usize, &arg, sizeof(arg));
}

static long ioctl_list(void __user *uarg)
{
	struct lfce_list arg;
	u64 *ids = NULL;
	u32 usize;
	int ret;

	ret = lfce_abi_copy_in(&arg, sizeof(arg), LFCE_LIST_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (arg.total)
		return -EINVAL;
	arg.count = min(arg.count, lfce_game_limits.max_games);
	if (arg.count) {
		ids = kcalloc(arg.count, sizeof(*ids), GFP_KERNEL);
		if (!ids)
			return -ENOMEM;
	}
	lfce_game_list(arg.start, ids, &arg.count, &arg.total);
	ret = copy_to_user(u64_to_user_ptr(arg.ids), ids, arg.count * sizeof(*ids)) ? -EFAULT : 0;
	kfree(ids);
	if (ret)
		return ret;
	return lfce_abi_copy_out(uarg, usize, &arg, sizeof(arg));
}

static long ioctl_close(struct handle *h, void __user *uarg)
{
	struct lfce_game *game;
	struct lfce_close arg;
	u32 usize;
	int ret;

	ret = lfce_abi_copy_in(&arg, sizeof(arg), LFCE_CLOSE_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (!h->writable)
		return -EBADF;
	if (arg.flags & ~__LFCE_CLOSE_ALL)
		return -EINVAL;
	game = lfce_game_get(arg.game_id);
	if (!game)
		return -ENOENT;
	ret = is_owner(game) ? lfce_game_close(game, arg.flags & LFCE_CLOSE_FORCE) : -EPERM;
	lfce_game_put(game);
	return ret;
}

static long lfce_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct handle *h = to_handle(file);
	void __user *uarg = (void __user *)arg;

	switch (LFCE_ABI_CMD(cmd)) {
	case LFCE_ABI_CMD(LFCE_IOC_VERSION):
		return ioctl_version(uarg);
	case LFCE_ABI_CMD(LFCE_IOC_CREATE):
		return ioctl_create(h, uarg);
	case LFCE_ABI_CMD(LFCE_IOC_ATTACH):
		return ioctl_attach(h, uarg);
	case LFCE_ABI_CMD(LFCE_IOC_JOIN):
		return ioctl_join(h, file, uarg);
	case LFCE_ABI_CMD(LFCE_IOC_SUBMIT):
		return ioctl_submit(h, file, uarg);
	case LFCE_ABI_CMD(LFCE_IOC_GET):
		return ioctl_get(h, uarg);
	case LFCE_ABI_CMD(LFCE_IOC_STATS):
		return ioctl_stats(h, uarg);
	case LFCE_ABI_CMD(LFCE_IOC_LIST):
		return ioctl_list(uarg);
	case LFCE_ABI_CMD(LFCE_IOC_CLOSE):
		return ioctl_close(h, uarg);
	}
	return -ENOTTY;
}

/* Is there a record to read, or nothing more ever will be? */
static bool readable(struct handle *h, struct lfce_game *game)
{
	return lfce_publish_head(&game->engine.pub) > READ_ONCE(h->cursor) ||
	       READ_ONCE(game->closed);
}

/*
 * The record at the handle's cursor into @rec, or a gap record if the ring
 * has lapped it, and in *@next where the cursor goes after it. Returns 0,
 * or -EAGAIN when there is none yet.
 */
static int next_record(struct handle *h, struct lfce_game *game, struct lfce_record *rec,
		       u64 *next)
{
	struct lfce_pub *pub = &game->engine.pub;
	u64 head = lfce_publish_head(pub);
	int ret;

	if (h->cursor >= head)
		return -EAGAIN;
	ret = lfce_publish_read_record(pub, h->cursor, rec);
	if (ret != -ENODATA) {
		*next = h->cursor + 1;
		return ret;
	}
	/* Lapped: say how much was lost, resume at the oldest record intact. */
	*next = lfce_publish_oldest(pub, h->cursor + 1, lfce_publish_head(pub));
	memset(rec, 0, sizeof(*rec));
	rec->kind = LFCE_REC_GAP;
	rec->number = h->cursor;
	rec->op.nonce = *next - h->cursor;
	return 0;
}

/* The cursor moves past a record only once the reader has it. */
static ssize_t read_records(struct handle *h, struct lfce_game *game,
			    char __user *buf, size_t n)
{
	struct lfce_record rec;
	size_t done = 0;
	u64 next;

	while (done < n && !next_record(h, game, &rec, &next)) {
		if (copy_to_user(buf + done * sizeof(rec), &rec, sizeof(rec)))
			return done ? done * sizeof(rec) : -EFAULT;
		WRITE_ONCE(h->cursor, next);	/* pairs with readable(), poll() */
		done++;
	}
	return done * sizeof(rec);
}

static ssize_t lfce_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct handle *h = to_handle(file);
	struct lfce_game *game = attached(h);
	ssize_t ret;

	if (!game)
		return -ENOTCONN;
	if (count < sizeof(struct lfce_record))
		return -EINVAL;
	for (;;) {
		/*
		 * Closed before this pass: then the pass sees every record
		 * (pairs with the release in lfce_game_close()), and finding
		 * none is the end of the file. Looking after the pass could
		 * miss the records of the close itself.
		 */
		bool closed = smp_load_acquire(&game->closed);

		if (mutex_lock_killable(&h->lock))
			return -EINTR;
		ret = read_records(h, game, buf, count / sizeof(struct lfce_record));
		mutex_unlock(&h->lock);
		if (ret || closed)
			return ret;	/* records, an error, or end of file */
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(game->wq, readable(h, game)))
			return -ERESTARTSYS;
	}
}

static __poll_t lfce_poll(struct file *file, struct poll_table_struct *wait)
{
	struct handle *h = to_handle(file);
	struct lfce_game *game = attached(h);
	__poll_t mask = 0;

	if (!game)
		return EPOLLERR;
	poll_wait(file, &game->wq, wait);
	/* Closed first, then the head: a hang-up never hides the last records. */
	if (smp_load_acquire(&game->closed))
		mask |= EPOLLHUP;
	if (lfce_publish_head(&game->engine.pub) > READ_ONCE(h->cursor))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

/*
 * A mapping pins the module (rmmod is refused while one exists) and holds a
 * reference to the game: the region stays valid after the handle is closed
 * and the game too, and the game counts against the limits until the last
 * mapping goes (a closed game keeps only its region and last snapshot).
 */
static void vm_open(struct vm_area_struct *vma)
{
	lfce_game_grab(vma->vm_private_data);
	__module_get(THIS_MODULE);
}

static void vm_close(struct vm_area_struct *vma)
{
	lfce_game_put(vma->vm_private_data);
	module_put(THIS_MODULE);
}

/*
 * mmap() maps every page up front, but the reader may drop them again
 * (madvise(MADV_DONTNEED), or the like): fault them back in from the
 * region, which lives as long as the mapping, rather than SIGBUS.
 */
static vm_fault_t vm_fault(struct vm_fault *vmf)
{
	struct lfce_game *game = vmf->vma->vm_private_data;
	const char *region = (const char *)game->engine.pub.region;
	struct page *page;

	if (vmf->pgoff >= game->engine.pub.size >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	page = vmalloc_to_page(region + (vmf->pgoff << PAGE_SHIFT));
	if (!page)
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct lfce_vm_ops = {
	.open	= vm_open,
	.close	= vm_close,
	.fault	= vm_fault,
};

static int lfce_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct lfce_game *game = attached(to_handle(file));
	int ret;

	if (!game)
		return -ENOTCONN;
	if (vma->vm_flags & (VM_WRITE | VM_EXEC))
		return -EPERM;
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start > game->engine.pub.size)
		return -EINVAL;
	lfce_vm_flags_clear(vma, VM_MAYWRITE | VM_MAYEXEC);
	ret = remap_vmalloc_range(vma, game->engine.pub.region, 0);
	if (ret)
		return ret;
	vma->vm_private_data = game;
	vma->vm_ops = &lfce_vm_ops;
	vm_open(vma);
	return 0;
}

static int lfce_open(struct inode *inode, struct file *file)
{
	struct handle *h = kzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);

	if (!h)
		return -ENOMEM;
	mutex_init(&h->lock);
	h->seat = NO_SEAT;
	h->writable = file->f_mode & FMODE_WRITE;
	file->private_data = h;
	/* A stream of records: no position, lseek and pread get ESPIPE. */
	return stream_open(inode, file);
}

/*
 * The last reference to the open file description is gone: every fd in
 * every process, and every mapping made through it. Only now is the seat
 * let go, and nothing is committed.
 */
static int lfce_release(struct inode *inode, struct file *file)
{
	struct handle *h = to_handle(file);

	if (h->game) {
		if (h->seat != NO_SEAT)
			lfce_game_unclaim(h->game, h->seat, h);
		lfce_game_writer_free(h->game, h->writer);
		lfce_game_put(h->game);
	}
	mutex_destroy(&h->lock);
	kfree(h);
	return 0;
}

static const struct file_operations lfce_fops = {
	.owner		= THIS_MODULE,
	.open		= lfce_open,
	.release	= lfce_release,
	.unlocked_ioctl	= lfce_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= lfce_mmap,
	.read		= lfce_read,
	.poll		= lfce_poll,
};

static struct miscdevice lfce_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= LFCE_DEVICE_NAME,
	.fops	= &lfce_fops,
	/*
	 * Players are unprivileged and access control is per operation, but
	 * only the operator's group "lfce" (udev rule) reaches the device.
	 */
	.mode	= 0660,
};

int lfce_device_init(void)
{
	return misc_register(&lfce_misc);
}

void lfce_device_uninit(void)
{
	misc_deregister(&lfce_misc);
}
