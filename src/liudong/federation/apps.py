from django.apps import AppConfig


class FederationConfig(AppConfig):
    """Issue 16: one node per province. Messages to places on other nodes leave through a
    transactional outbox and NATS JetStream, sealed to the receiving node and signed."""

    name = "liudong.federation"
    verbose_name = "节点 Nodes"

    def ready(self):
        from liudong.exchange import hooks
        from liudong.jobs.daily import add_daily_job
        from liudong.people.services import add_residence_listener
        from liudong.people.views import HOME_PANELS

        from . import handlers_claims, handlers_person, handlers_withdraw, outbox, overdue, views, watch

        # Inside every sending transaction of the exchange (exchange.hooks): a message to a place
        # outside this node gets its outbox row in the same commit. Without LIUDONG_NODE it does nothing.
        hooks.on_sent(outbox.message_sent)
        # Arrival claims to a place on another node: their fields follow the message, the
        # decision comes back (federation.handlers_claims).
        hooks.on_claims(elsewhere=handlers_claims.on_other_node, claimed=handlers_claims.claimed, decided=handlers_claims.decided)
        # A message withdrawn by its sender: the receiving node closes its copy, the hub counts it.
        hooks.on_withdrawn(handlers_withdraw.withdrawn)
        # The node's state on the administrators' home page.
        if views.node_panel not in HOME_PANELS:
            HOME_PANELS.append(views.node_panel)
        # An arrival, move, departure or return of a person whose hukou is on another node goes
        # to that node in the same transaction (her outflow record there).
        # A bulk import's periods too, set-based, in the import's transaction.
        add_residence_listener(handlers_person.residence_changed, bulk=handlers_person.residences_imported)
        # X3, T3: the node holding a request tells the hub when its answer-by date passed
        # unanswered (daily, from `liudong exchange tick`; `node run` runs it too).
        add_daily_job("federation_overdue", overdue.daily)
        # T3 on the hub's node (it holds no messages) from the state events.
        hooks.on_timeliness(watch.timeliness_rows)
