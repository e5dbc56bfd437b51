import threading
import time

import pytest
from django.db import connection, connections, transaction

from config.db.spatialite.base import WriterQueue, writer_queue
from inspections.models import CalendarDay
from tests.databases import at_once, file_database


def test_the_queue_lets_writers_in_in_the_order_they_came():
    queue = WriterQueue()
    assert queue.acquire(timeout=1)
    order = []

    def writer(name):
        assert queue.acquire(timeout=5)
        order.append(name)
        queue.release()

    threads = []
    for name in "abcde":
        thread = threading.Thread(target=writer, args=(name,))
        thread.start()
        threads.append(thread)
        time.sleep(0.05)  # each is waiting before the next asks
    queue.release()
    for thread in threads:
        thread.join()
    assert order == list("abcde")


def test_a_writer_that_gives_up_leaves_the_queue_and_the_next_one_gets_in():
    queue = WriterQueue()
    assert queue.acquire(timeout=1)
    assert not queue.acquire(timeout=0.05)
    queue.release()
    assert queue.acquire(timeout=0.05)  # free again: nobody left waiting holds a turn
    queue.release()


@pytest.mark.django_db(transaction=True)
def test_concurrent_write_transactions_on_a_file_wait_their_turn_and_all_commit():
    if connection.vendor != "sqlite":
        pytest.skip("the queue is SpatiaLite's")
    with file_database(timeout=10) as path:
        queue = writer_queue(str(path))
        inside = []

        def write(day):
            def call():
                with transaction.atomic():
                    inside.append(queue._held)
                    CalendarDay.objects.create(date=f"2031-01-{day:02d}", is_working_day=True, note="load")
                    time.sleep(0.05)
                return day

            return call

        results, errors = at_once([write(day) for day in range(1, 21)])
        assert errors == []
        assert sorted(results) == list(range(1, 21))
        assert all(inside)
        assert CalendarDay.objects.filter(note="load").count() == 20
        assert not queue._held and not queue._waiters
        connections.close_all()
